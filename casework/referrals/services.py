"""Writes: make a referral; the delivery organisation accepts or declines it, records the plan and actions,
updates the referred needs and closes it. Keyword-only, atomic, audited; each checks its permission first."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.db import transaction
from django.http import Http404

from casework.accounts.models import Organisation, User
from casework.assessments.choices import FINISHED_NEED_STATUSES, NeedStatus
from casework.assessments.models import Need
from casework.assessments.services import need_status_record
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.consent import rules
from casework.consent.choices import BasisState, DataCategory
from casework.consent.models import ConsentRecord
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.core.references import next_reference
from casework.core.templatetags.govuk import govuk_date
from casework.directory.selectors import service_signpost_snapshot
from casework.referrals.choices import DELIVERY_NEED_STATUSES, NEEDS_IN_HAND, ReferralStatus
from casework.referrals.models import Referral, ReferralAction
from casework.referrals.selectors import referral_needs_referable
from casework.referrals.sharing import notice_for

MAKE_REFUSED = "Only the case's workers and team managers can refer it."
WORK_REFUSED = "Only staff of the organisation the referral was sent to can do that."
STALE = stale_message("this referral")


def _basis_problem(basis: ConsentRecord, *, organisation: Organisation, day: datetime.date) -> str | None:
    """Why the basis does not let the case be referred to the organisation today, or None."""
    terms = basis.terms()
    what = "The lawful basis" if basis.kind == "lawful_basis" else "The consent"
    state = rules.state_on(terms, day)
    if state == BasisState.WITHDRAWN:
        return (
            f"{what} recorded on {govuk_date(basis.given_on)} was withdrawn on "
            f"{govuk_date(basis.withdrawn_on)}: "
            f"record a new consent or lawful basis before referring."
        )
    if state == BasisState.EXPIRED:
        return (
            f"{what} recorded on {govuk_date(basis.given_on)} expired on {govuk_date(basis.expires_on)}: "
            f"record a new consent or lawful basis before referring."
        )
    if state != BasisState.LIVE:
        return f"{what} does not start until {govuk_date(basis.given_on)}."
    if organisation.pk not in terms.organisation_ids:
        return (
            f"{what} does not cover sharing with {organisation.name}: record one that does before referring."
        )
    if DataCategory.NEEDS not in terms.data_categories:
        return f"{what} does not cover sharing the person’s needs, which a referral sends."
    return None


def referral_make(
    *,
    user: User,
    case: Case,
    delivery_organisation: Organisation | None,
    needs: Iterable[Need],
    basis: ConsentRecord | None,
    circumstances: str = "",
    instructions: str = "",
    service_id: uuid.UUID | str | None = None,
) -> Referral:
    """Refer one or more of the case's open needs to a delivery organisation of its initiative, under a live
    consent or lawful-basis record on the case that covers that organisation and the person's needs. Each need
    referred becomes planned (assessments.services.need_status_record). Audited as "referrals.referral_sent".

    Raises PermissionRefused; ValidationFailed naming each field at fault, nothing saved: no basis, or
    one that is withdrawn, expired or does not cover the organisation or needs; a need not open or already
    referred.
    """
    require_perm(user, "referrals.make_referral", case, MAKE_REFUSED)

    today = clock.today()
    errors: dict[str, str] = {}
    holder = holding_organisation_id(case)
    if (
        delivery_organisation is None
        or delivery_organisation.initiative_id != case.initiative_id
        or "delivery" not in (delivery_organisation.kinds or [])
        or delivery_organisation.pk == holder
    ):
        errors["delivery_organisation"] = "Select a delivery organisation of the initiative"
    needs = list(needs or [])
    referable = {n.pk: n for n in referral_needs_referable(case=case)}
    if not needs:
        errors["needs"] = "Select the needs to refer"
    else:
        for need in needs:
            if need.case_id != case.pk:
                errors["needs"] = "Select needs recorded on this case"
            elif need.status in FINISHED_NEED_STATUSES:
                errors["needs"] = (
                    f"‘{need.definition.name}’ is {need.get_status_display().lower()}: it cannot be referred"
                )
            elif need.pk not in referable:
                errors["needs"] = (
                    f"‘{need.definition.name}’ is already referred: wait for the answer to that referral"
                )
            if "needs" in errors:
                break
    if basis is None:
        organisation = (
            cast(Organisation, delivery_organisation).name
            if "delivery_organisation" not in errors
            else "the organisation"
        )
        errors["basis"] = (
            f"There is no live consent or lawful basis for sharing with {organisation}: record one "
            f"before referring"
        )
    elif basis.case_id != case.pk:
        errors["basis"] = "Select a consent or lawful basis recorded on this case"
    elif "delivery_organisation" not in errors:
        problem = _basis_problem(basis, organisation=cast(Organisation, delivery_organisation), day=today)
        if problem:
            errors["basis"] = problem
    snapshot: dict[str, str] = {}
    if service_id:
        try:
            snapshot = service_signpost_snapshot(service_id=service_id)
        except Http404:
            errors["service"] = "Select a service from the directory, or none"
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(
            first if len(errors) == 1 else f"{len(errors)} answers need attention: {first}",
            field=next(iter(errors)),
            errors=errors,
        )
    # Without errors, both were given.
    delivery_organisation = cast(Organisation, delivery_organisation)
    basis = cast(ConsentRecord, basis)
    now = clock.now()
    shared = sorted(
        rules.shared_categories(basis.terms(), day=today, organisation_id=delivery_organisation.pk)
    )
    with transaction.atomic():
        referral = Referral.objects.create(
            reference=next_reference(name="referral", prefix="RF"),
            case=case,
            initiative_id=case.initiative_id,
            referring_organisation_id=holder,
            delivery_organisation=delivery_organisation,
            basis=basis,
            service_id=snapshot.get("service_id") or None,
            service_snapshot=snapshot,
            circumstances=(circumstances or "").strip(),
            instructions=(instructions or "").strip(),
            sent_at=now,
            sent_by=user,
            created_by=user,
            modified_by=user,
        )
        referral.needs.set(needs)
        for need in needs:
            need_status_record(
                user=user,
                need=need,
                version=need.version,
                status=NeedStatus.PLANNED,
                note=f"Referred to {delivery_organisation.name} ({referral.reference})",
                organisation_id=holder,
            )
        audit_record(
            user=user,
            verb="referrals.referral_sent",
            obj=referral,
            case_id=case.pk,
            person_id=case.person_id,
            organisation_id=holder,
            reason=f"Referred to {delivery_organisation.name}",
            changes=to_json_safe(
                {
                    "delivery_organisation": {"before": None, "after": delivery_organisation.pk},
                    "needs": {"before": None, "after": [n.definition.code for n in needs]},
                    "basis": {"before": None, "after": basis.pk},
                    "shared": {"before": None, "after": shared},
                    "service": {"before": None, "after": snapshot.get("name")},
                }
            ),
        )
    return referral


def _require_work(user: User, referral: Referral) -> None:
    require_perm(user, "referrals.work_referral", referral, WORK_REFUSED)


def _require_status(referral: Referral, *allowed: str, doing: str) -> None:
    if referral.status not in allowed:
        raise DomainError(f"This referral is {referral.get_status_display().lower()}: it cannot be {doing}.")


def _audit(user: User, referral: Referral, verb: str, changes: dict[str, Any], reason: str = "") -> None:
    audit_record(
        user=user,
        verb=verb,
        obj=referral,
        case_id=referral.case_id,
        person_id=referral.case.person_id,
        organisation_id=referral.delivery_organisation_id,
        changes=to_json_safe(changes),
        reason=reason,
    )


def referral_accept(*, user: User, referral: Referral, version: int, note: str = "") -> Referral:
    """The delivery organisation takes the referral on. Refused once the basis no longer covers it
    (decline it). Audited as "referrals.referral_accepted".

    Raises PermissionRefused, DomainError, ConflictError.
    """
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.SENT, doing="accepted")
    problem = _basis_problem(referral.basis, organisation=referral.delivery_organisation, day=clock.today())
    if problem:
        raise DomainError(f"{notice_for(referral)} Decline the referral instead of accepting it.")
    with transaction.atomic():
        changes = referral.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={
                "status": ReferralStatus.ACCEPTED,
                "responded_at": clock.now(),
                "responded_by": user,
                "response_note": (note or "").strip(),
            },
        )
        _audit(
            user, referral, "referrals.referral_accepted", {"status": changes["status"]}, reason=note or ""
        )
    return referral


def referral_decline(*, user: User, referral: Referral, version: int, reason: str) -> Referral:
    """The delivery organisation will not take the referral on, and says why. The needs it planned go back to
    identified, so they can be referred elsewhere. Audited as "referrals.referral_declined"."""
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.SENT, doing="declined")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Enter why the referral is declined", field="reason")
    with transaction.atomic():
        changes = referral.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={
                "status": ReferralStatus.DECLINED,
                "responded_at": clock.now(),
                "responded_by": user,
                "response_note": reason,
            },
        )
        for need in Need.objects.filter(
            pk__in=referral.needs.values("pk"), status=NeedStatus.PLANNED
        ).select_related("case"):
            need_status_record(
                user=user,
                need=need,
                version=need.version,
                status=NeedStatus.IDENTIFIED,
                note=f"{referral.delivery_organisation.name} declined {referral.reference}: {reason}",
                organisation_id=referral.delivery_organisation_id,
            )
        _audit(user, referral, "referrals.referral_declined", {"status": changes["status"]}, reason=reason)
    return referral


def referral_plan_record(*, user: User, referral: Referral, version: int, plan: str) -> Referral:
    """Record (or change) the delivery organisation's plan for the referral; it may simply say there is one.
    Audited as "referrals.plan_recorded" (saying that it changed, not what it says)."""
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.ACCEPTED, doing="planned")
    plan = (plan or "").strip()
    if not plan:
        raise ValidationFailed("Enter the plan", field="plan")
    with transaction.atomic():
        had = bool(referral.plan)
        referral.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={"plan": plan, "plan_recorded_at": clock.now(), "plan_recorded_by": user},
        )
        _audit(
            user,
            referral,
            "referrals.plan_recorded",
            {"plan": {"before": "recorded" if had else None, "after": "recorded"}},
        )
    return referral


def referral_action_record(
    *, user: User, referral: Referral, occurred_on: datetime.date | None, description: str
) -> ReferralAction:
    """Record something the delivery organisation did, on a day. Adds to the list (nothing is
    overwritten), so it needs no version. Audited as "referrals.action_recorded"."""
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.ACCEPTED, doing="given actions")
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Enter what was done"
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it was done"
    elif occurred_on > clock.today():
        errors["occurred_on"] = "The date it was done must be today or in the past"
    elif occurred_on < referral.sent_at.date():
        errors["occurred_on"] = (
            f"The date it was done must be on or after {govuk_date(referral.sent_at.date())}"
        )
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)
    occurred_on = cast(datetime.date, occurred_on)  # without errors, it was given
    with transaction.atomic():
        action = ReferralAction.objects.create(
            referral=referral,
            occurred_on=occurred_on,
            description=description,
            organisation_id=referral.delivery_organisation_id,
            recorded_at=clock.now(),
            recorded_by=user,
        )
        _audit(
            user,
            referral,
            "referrals.action_recorded",
            {"occurred_on": {"before": None, "after": occurred_on}},
        )
    return action


def referral_need_status_update(
    *, user: User, referral: Referral, need: Need, version: int, status: str, note: str = ""
) -> Need:
    """The delivery organisation updates the status of a need it was referred (planned, being managed,
    resolved, no longer relevant, rejected), through assessments.services.need_status_record with its own
    organisation.
    Raises PermissionRefused, DomainError, ValidationFailed, ConflictError (the need's version)."""
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.ACCEPTED, doing="updated")
    if not referral.needs.filter(pk=need.pk).exists():
        raise ValidationFailed("Select one of the needs referred", field="need")
    if status not in DELIVERY_NEED_STATUSES:
        raise ValidationFailed(
            "Select planned, being managed, resolved, no longer relevant or rejected", field="status"
        )
    return need_status_record(
        user=user,
        need=need,
        version=version,
        status=status,
        note=note,
        organisation_id=referral.delivery_organisation_id,
    )


def referral_close(*, user: User, referral: Referral, version: int, note: str) -> Referral:
    """The delivery organisation has finished with the referral. Refused while a referred need is still
    planned or being managed by it: update each first. Audited as "referrals.referral_closed"."""
    _require_work(user, referral)
    _require_status(referral, ReferralStatus.ACCEPTED, doing="closed")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Enter how the referral ended", field="note")
    in_hand = [
        n.definition.name for n in referral.needs.select_related("definition") if n.status in NEEDS_IN_HAND
    ]
    if in_hand:
        raise DomainError(
            f"Update the status of each need first: {', '.join(in_hand)} "
            f"{'is' if len(in_hand) == 1 else 'are'} still planned or being managed."
        )
    with transaction.atomic():
        changes = referral.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={
                "status": ReferralStatus.CLOSED,
                "closed_at": clock.now(),
                "closed_by": user,
                "closing_note": note,
            },
        )
        _audit(user, referral, "referrals.referral_closed", {"status": changes["status"]}, reason=note)
    return referral


def referrals_dispose(*, case_id: int) -> int:
    """Delete a case's referrals with the actions recorded on them, whose records are being disposed of
    (retention).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    deleted = ReferralAction.objects.filter(referral__case_id=case_id).delete()[0]
    return deleted + Referral.objects.filter(case_id=case_id).delete()[0]
