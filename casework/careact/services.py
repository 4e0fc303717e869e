"""Writes of the Care Act steps: advocacy decisions (with the advocate in place or a manager's exception),
prevention, financial information and eligibility determinations.

Each is keyword-only, atomic and audited with the case. A new record supersedes the current one of its kind:
the caller says which record it read (`replaces_id` and `version`, both None when there was none), so two
people recording at once never replace each other's work silently (ConflictError).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.http import Http404

from casework.accounts.models import User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.careact import eligibility as rules
from casework.careact.choices import AdvocacyActivity, EligibilityKind, FinancialInformationMethod
from casework.careact.models import (
    AdvocacyDecision,
    CaseStepRecord,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.directory.selectors import service_signpost_snapshot

REFUSED = "Only the case's workers and team managers can record the Care Act steps."
CLOSED = "This case is closed: raise a new case instead."
EXCEPTION_REFUSED = (
    "Only a team manager of the organisation holding the case can record an exception to waiting "
    "for an advocate."
)
STALE = stale_message("this", did="recorded", then="check what they recorded and try again")


def _require_record(user: User, case: Case) -> None:
    require_perm(user, "careact.record_steps_case", case, REFUSED if case.is_open else CLOSED)


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _past_date(value: datetime.date | None, *, field: str, label: str) -> datetime.date:
    if value is None:
        raise ValidationFailed(f"Enter {label}", field=field)
    if value > clock.today():
        raise ValidationFailed(f"{label[0].upper()}{label[1:]} must be today or in the past", field=field)
    return value


_Record = TypeVar("_Record", bound=CaseStepRecord)


def _supersede(
    *,
    model: type[_Record],
    user: User,
    current: _Record | None,
    replaces_id: int | None,
    version: int | None,
    create: dict[str, Any],
) -> _Record:
    """Create the new record and mark `current` superseded by it, if `current` is what the caller read.

    Call inside a transaction. Raises ConflictError when the caller read another record (or none) than the
    current one, or the current one changed since.
    """
    if (current.pk if current else None) != replaces_id:
        raise ConflictError(STALE)
    now = clock.now()
    if current is not None:
        current.write_if_version(
            version=current.version if version is None else version,
            fields={"superseded_at": now},
            user=user,
            stale_message=STALE,
        )
    try:
        with transaction.atomic():
            record = model.objects.create(**create, created_by=user, modified_by=user)
    except IntegrityError:
        # Somebody else recorded one at the same moment: the one-current constraint refused the second.
        raise ConflictError(STALE) from None
    if current is not None:
        type(current).objects.filter(pk=current.pk).update(superseded_by=record)
        current.superseded_at, current.superseded_by = now, record
    return record


def _audit(
    *,
    user: User,
    verb: str,
    record: CaseStepRecord,
    case: Case,
    fields: dict[str, Any],
    replaced: CaseStepRecord | None = None,
    reason: str = "",
) -> None:
    changes = {name: {"before": None, "after": value} for name, value in fields.items()}
    if replaced is not None:
        changes["supersedes"] = {"before": None, "after": replaced.pk}
    audit_record(
        user=user,
        verb=verb,
        obj=record,
        case_id=case.pk,
        person_id=case.person_id,
        changes=to_json_safe(changes),
        reason=reason,
    )


def _locked_current(model: type[_Record], case: Case, **filters: Any) -> _Record | None:
    return model.objects.select_for_update().filter(case=case, superseded_at__isnull=True, **filters).first()


# Advocacy (Care Act s67, s68).


def advocacy_decision_record(
    *,
    user: User,
    case: Case,
    activity: str,
    difficulty_understanding: bool,
    difficulty_retaining: bool,
    difficulty_using_or_weighing: bool,
    difficulty_communicating: bool,
    appropriate_person: bool,
    appropriate_person_name: str = "",
    appropriate_person_relationship: str = "",
    referral_to: str = "",
    referral_on: datetime.date | None = None,
    notes: str = "",
    replaces_id: int | None = None,
    version: int | None = None,
) -> AdvocacyDecision:
    """Record whether the person needs an independent advocate for an activity, superseding the current one.

    With any substantial difficulty and nobody appropriate, the referral (to whom, when) is required.
    Audited as "careact.advocacy_decided". Raises PermissionRefused, ValidationFailed (naming the field),
    ConflictError.
    """
    _require_record(user, case)
    if activity not in AdvocacyActivity.values:
        raise ValidationFailed("Select the activity the decision is for", field="activity")
    fields: dict[str, Any] = {
        "activity": activity,
        "difficulty_understanding": bool(difficulty_understanding),
        "difficulty_retaining": bool(difficulty_retaining),
        "difficulty_using_or_weighing": bool(difficulty_using_or_weighing),
        "difficulty_communicating": bool(difficulty_communicating),
        "appropriate_person": bool(appropriate_person),
        "appropriate_person_name": "",
        "appropriate_person_relationship": "",
        "referral_to": "",
        "referral_on": None,
        "notes": (notes or "").strip(),
    }
    if appropriate_person:
        fields["appropriate_person_name"] = _text(appropriate_person_name, 200)
        fields["appropriate_person_relationship"] = _text(appropriate_person_relationship, 100)
        if not fields["appropriate_person_name"]:
            raise ValidationFailed(
                "Enter the name of the appropriate person", field="appropriate_person_name"
            )
        if not fields["appropriate_person_relationship"]:
            raise ValidationFailed(
                "Enter how the appropriate person knows them", field="appropriate_person_relationship"
            )
    difficulty = any(
        fields[name]
        for name in (
            "difficulty_understanding",
            "difficulty_retaining",
            "difficulty_using_or_weighing",
            "difficulty_communicating",
        )
    )
    if difficulty and not appropriate_person:
        fields["referral_to"] = _text(referral_to, 200)
        if not fields["referral_to"]:
            raise ValidationFailed("Enter the advocacy service the referral was made to", field="referral_to")
        fields["referral_on"] = _past_date(referral_on, field="referral_on", label="the date of the referral")
    with transaction.atomic():
        current = _locked_current(AdvocacyDecision, case, activity=activity)
        decision = _supersede(
            model=AdvocacyDecision,
            user=user,
            current=current,
            replaces_id=replaces_id,
            version=version,
            create={"case": case, **fields},
        )
        _audit(
            user=user,
            verb="careact.advocacy_decided",
            record=decision,
            case=case,
            replaced=current,
            fields={**fields, "advocate_needed": decision.advocate_needed},
        )
    return decision


def _current_decision(decision: AdvocacyDecision) -> None:
    if not decision.is_current:
        raise DomainError(
            "A later decision has replaced this one: record the advocate on the current decision."
        )
    if not decision.advocate_needed:
        raise DomainError(
            "This decision says no independent advocate is needed: record a new decision if that has changed."
        )


def advocacy_advocate_record(
    *,
    user: User,
    decision: AdvocacyDecision,
    advocate_name: str,
    advocate_organisation: str = "",
    advocate_from: datetime.date | None,
    version: int,
) -> AdvocacyDecision:
    """Record that the advocate is in place: the activity may start. Audited as "careact.advocate_in_place".

    Raises PermissionRefused, ValidationFailed, DomainError (no advocate needed, or superseded),
    ConflictError.
    """
    case = decision.case
    _require_record(user, case)
    _current_decision(decision)
    name = _text(advocate_name, 200)
    if not name:
        raise ValidationFailed("Enter the name of the advocate", field="advocate_name")
    fields = {
        "advocate_name": name,
        "advocate_organisation": _text(advocate_organisation, 200),
        "advocate_from": _past_date(
            advocate_from, field="advocate_from", label="the date the advocate started"
        ),
    }
    with transaction.atomic():
        changes = decision.write_if_version(version=version, fields=fields, user=user, stale_message=STALE)
        audit_record(
            user=user,
            verb="careact.advocate_in_place",
            obj=decision,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(changes),
        )
    return decision


def advocacy_exception_record(
    *, user: User, decision: AdvocacyDecision, reason: str, version: int
) -> AdvocacyDecision:
    """A team manager lets the activity start before an advocate is in place, saying why.

    Audited as "careact.advocacy_exception_recorded". Raises PermissionRefused (practitioners cannot),
    ValidationFailed, DomainError, ConflictError.
    """
    case = decision.case
    require_perm(user, "careact.record_advocacy_exception_case", case, EXCEPTION_REFUSED)
    _current_decision(decision)
    if decision.advocate_in_place:
        raise DomainError("An advocate is already in place: no exception is needed.")
    if decision.has_exception:
        raise DomainError("An exception is already recorded on this decision.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Enter why the activity may start before an advocate is in place", field="reason"
        )
    with transaction.atomic():
        changes = decision.write_if_version(
            version=version,
            fields={"exception_reason": reason, "exception_at": clock.now(), "exception_by_id": user.pk},
            user=user,
            stale_message=STALE,
        )
        audit_record(
            user=user,
            verb="careact.advocacy_exception_recorded",
            obj=decision,
            case_id=case.pk,
            person_id=case.person_id,
            changes=to_json_safe(changes),
            reason=reason,
        )
    decision.exception_by = user
    return decision


# Prevention first (Care Act s2).


def prevention_record(
    *,
    user: User,
    case: Case,
    services_considered: str | Iterable[str] = "",
    directory_service_ids: Iterable[str] = (),
    why_not_enough: str,
    replaces_id: int | None = None,
    version: int | None = None,
) -> PreventionRecord:
    """Record the prevention and community services considered and why they were not enough.

    services_considered is free text (one a line) or a list; directory_service_ids name directory services,
    each kept as a snapshot of the service as it is today. Audited as "careact.prevention_recorded".
    Raises PermissionRefused, ValidationFailed, ConflictError.
    """

    _require_record(user, case)
    lines = (
        services_considered.splitlines()
        if isinstance(services_considered, str)
        else list(services_considered)
    )
    listed = "\n".join(line for line in (_text(str(item), 300) for item in lines) if line)
    snapshots = []
    for service_id in dict.fromkeys(str(s) for s in directory_service_ids):
        try:
            snapshots.append(service_signpost_snapshot(service_id=service_id))
        except Http404:
            raise ValidationFailed(
                "A service you chose is no longer in the directory: search again",
                field="directory_service_ids",
            ) from None
    if not listed and not snapshots:
        raise ValidationFailed(
            "Enter the prevention and community services that were considered", field="services_considered"
        )
    why = (why_not_enough or "").strip()
    if not why:
        raise ValidationFailed(
            "Enter why the prevention and community services were not enough", field="why_not_enough"
        )
    fields = {"services_considered": listed, "directory_services": snapshots, "why_not_enough": why}
    with transaction.atomic():
        current = _locked_current(PreventionRecord, case)
        record = _supersede(
            model=PreventionRecord,
            user=user,
            current=current,
            replaces_id=replaces_id,
            version=version,
            create={"case": case, **fields},
        )
        _audit(
            user=user,
            verb="careact.prevention_recorded",
            record=record,
            case=case,
            replaced=current,
            fields={
                "services_considered": listed,
                "directory_services": [s["service_id"] for s in snapshots],
                "why_not_enough": why,
            },
        )
    return record


# Financial information (charging and financial assessment).


def financial_information_record(
    *,
    user: User,
    case: Case,
    method: str,
    given_on: datetime.date | None,
    notes: str = "",
    replaces_id: int | None = None,
    version: int | None = None,
) -> FinancialInformationRecord:
    """Record that information about charging and financial assessment was given, how and when.

    Audited as "careact.financial_information_recorded". Raises PermissionRefused, ValidationFailed,
    ConflictError.
    """
    _require_record(user, case)
    if method not in FinancialInformationMethod.values:
        raise ValidationFailed("Select how the information was given", field="method")
    fields = {
        "method": method,
        "given_on": _past_date(given_on, field="given_on", label="the date the information was given"),
        "notes": (notes or "").strip(),
    }
    with transaction.atomic():
        current = _locked_current(FinancialInformationRecord, case)
        record = _supersede(
            model=FinancialInformationRecord,
            user=user,
            current=current,
            replaces_id=replaces_id,
            version=version,
            create={"case": case, **fields},
        )
        _audit(
            user=user,
            verb="careact.financial_information_recorded",
            record=record,
            case=case,
            replaced=current,
            fields=fields,
        )
    return record


# Eligibility (Care Act s13).


def eligibility_determination_record(
    *,
    user: User,
    case: Case,
    kind: str,
    condition_1: bool,
    outcomes: Iterable[rules.OutcomeFinding],
    significant_impact_on_wellbeing: bool,
    confirmed_eligible: bool | None,
    reason: str,
    health_deteriorating: bool = False,
    cared_for: str = "",
    replaces_id: int | None = None,
    version: int | None = None,
) -> EligibilityDetermination:
    """Record an eligibility determination: the findings, what the criteria give, and the worker's decision.

    The decision may differ from the criteria's result only with a reason saying why; both are kept.
    Audited as "careact.eligibility_determined". Raises PermissionRefused, ValidationFailed (outcome errors
    name "outcomes.<code>"), ConflictError.
    """
    _require_record(user, case)
    if kind not in EligibilityKind.values:
        raise ValidationFailed("Say whether the determination is for an adult or a carer", field="kind")
    findings = list(outcomes)
    result = rules.eligibility_check(
        kind=kind,
        condition_1=bool(condition_1),
        outcomes=findings,
        significant_impact_on_wellbeing=bool(significant_impact_on_wellbeing),
        health_deteriorating=bool(health_deteriorating),
    )
    if confirmed_eligible is None:
        raise ValidationFailed("Select whether the needs are eligible", field="confirmed_eligible")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Enter why your decision differs from what the eligibility criteria give"
            if bool(confirmed_eligible) != result.eligible
            else "Enter the reason for the determination",
            field="reason",
        )
    fields = {
        "kind": kind,
        "condition_1": bool(condition_1),
        "health_deteriorating": bool(health_deteriorating),
        "outcomes": {
            f.code: sorted(f.ways) for f in rules.clean_outcomes(kind, findings).values() if f.unable
        },
        "significant_impact_on_wellbeing": bool(significant_impact_on_wellbeing),
        "cared_for": _text(cared_for, 200) if kind == EligibilityKind.CARER else "",
        "computed_eligible": result.eligible,
        "computed_reasons": list(result.reasons),
        "computed_outcomes": list(result.outcomes_counted),
        "confirmed_eligible": bool(confirmed_eligible),
        "reason": reason,
    }
    with transaction.atomic():
        current = _locked_current(EligibilityDetermination, case, kind=kind)
        record = _supersede(
            model=EligibilityDetermination,
            user=user,
            current=current,
            replaces_id=replaces_id,
            version=version,
            create={"case": case, **fields},
        )
        _audit(
            user=user,
            verb="careact.eligibility_determined",
            record=record,
            case=case,
            replaced=current,
            fields={name: value for name, value in fields.items() if name != "reason"},
            reason=reason,
        )
    return record


def careact_dispose(*, case_id: int) -> int:
    """Delete a case's Care Act records (advocacy decisions, prevention, financial information, eligibility
    determinations, each with the versions it superseded) whose records are being disposed of (retention).
    The chain of versions is unlinked first, in one update per kind, so that no version protects another.
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    deleted = 0
    for model in (AdvocacyDecision, PreventionRecord, FinancialInformationRecord, EligibilityDetermination):
        rows = model.objects.filter(case_id=case_id)
        rows.filter(superseded_by__isnull=False).update(superseded_by=None)
        deleted += rows.delete()[0]
    return deleted
