"""Writes: record consent or a lawful basis on a case, and withdraw it. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import cast

from django.db import transaction

from casework.accounts.models import Organisation, User
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.consent.choices import BasisKind, DataCategory, GivenBy, LawfulBasis
from casework.consent.models import ConsentRecord
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.core.templatetags.govuk import govuk_date

RECORD_REFUSED = "Only the case's workers and team managers can record consent on it."
WITHDRAW_REFUSED = "Only staff of the organisation holding the case can record a withdrawal."
STALE = stale_message("this record")


def _raise(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(
            first if len(errors) == 1 else f"{len(errors)} answers need attention: {first}",
            field=next(iter(errors)),
            errors=errors,
        )


def _verb(record: ConsentRecord, action: str) -> str:
    return f"consent.{'lawful_basis' if record.kind == BasisKind.LAWFUL_BASIS else 'consent'}_{action}"


def consent_record(
    *,
    user: User,
    case: Case,
    kind: str,
    purpose: str,
    organisation_ids: Iterable[int],
    data_categories: Iterable[str],
    given_on: datetime.date | None,
    expires_on: datetime.date | None = None,
    given_by: str = "",
    representative_name: str = "",
    representative_authority: str = "",
    lawful_basis: str = "",
    decided_by_name: str = "",
    decided_by_role: str = "",
    decision_reason: str = "",
) -> ConsentRecord:
    """Record the basis for sharing the case's data: consent (the person's, or a named representative's), or a
    lawful basis without consent (which, who decided and why). Audited as "consent.consent_recorded" or
    "consent.lawful_basis_recorded".

    Raises PermissionRefused; ValidationFailed naming every field at fault (`errors`).
    """
    require_perm(user, "consent.record_consent", case, RECORD_REFUSED)
    today = clock.today()
    errors: dict[str, str] = {}

    def strip(value: str | None) -> str:
        return " ".join((value or "").split())

    purpose = (purpose or "").strip()
    representative_name, representative_authority = (
        strip(representative_name),
        strip(representative_authority),
    )
    decided_by_name, decided_by_role = strip(decided_by_name), strip(decided_by_role)
    decision_reason = (decision_reason or "").strip()
    if kind not in BasisKind.values:
        errors["kind"] = "Select whether the person consented or there is a lawful basis without consent"
    elif kind == BasisKind.CONSENT:
        if given_by not in GivenBy.values:
            errors["given_by"] = "Select who gave consent"
        elif given_by == GivenBy.REPRESENTATIVE:
            if not representative_name:
                errors["representative_name"] = "Enter the name of the representative who gave consent"
            if not representative_authority:
                errors["representative_authority"] = (
                    "Enter their relationship to the person and their authority to consent"
                )
        lawful_basis = decided_by_name = decided_by_role = decision_reason = ""
        if given_by != GivenBy.REPRESENTATIVE:
            representative_name = representative_authority = ""
    else:
        if lawful_basis not in LawfulBasis.values:
            errors["lawful_basis"] = "Select the lawful basis for sharing without consent"
        if not decided_by_name:
            errors["decided_by_name"] = "Enter the name of the person who decided"
        if not decided_by_role:
            errors["decided_by_role"] = "Enter their role, for example Caldicott guardian"
        if not decision_reason:
            errors["decision_reason"] = "Enter why the data may be shared without consent"
        given_by = representative_name = representative_authority = ""
    if not purpose:
        errors["purpose"] = "Enter what the data is shared for"
    organisation_ids = {int(pk) for pk in organisation_ids or []}
    organisations = list(
        Organisation.objects.filter(pk__in=organisation_ids, initiative_id=case.initiative_id).exclude(
            pk=holding_organisation_id(case)
        )
    )
    if not organisation_ids:
        errors["organisations"] = "Select the organisations it covers"
    elif len(organisations) != len(organisation_ids):
        errors["organisations"] = "Select organisations of the initiative other than your own"
    categories = list(dict.fromkeys(data_categories or []))
    if not categories:
        errors["data_categories"] = "Select the data it covers"
    elif not set(categories) <= set(DataCategory.values):
        errors["data_categories"] = "Select the data it covers from the list"
    if given_on is None:
        errors["given_on"] = "Enter the date consent was given or the decision made"
    elif given_on > today:
        errors["given_on"] = "The date consent was given or the decision made must be today or in the past"
    if expires_on is not None and expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future"
    elif expires_on is not None and given_on is not None and expires_on <= given_on:
        errors["expires_on"] = "The expiry date must be after the date it was given"
    _raise(errors)
    given_on = cast(datetime.date, given_on)  # without errors, it was given
    categories = [c for c in DataCategory.values if c in categories]
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            case=case,
            person_id=case.person_id,
            organisation_id=holding_organisation_id(case),
            kind=kind,
            given_by=given_by,
            representative_name=representative_name,
            representative_authority=representative_authority,
            lawful_basis=lawful_basis,
            decided_by_name=decided_by_name,
            decided_by_role=decided_by_role,
            decision_reason=decision_reason,
            purpose=purpose,
            data_categories=categories,
            given_on=given_on,
            expires_on=expires_on,
            created_by=user,
            modified_by=user,
        )
        record.organisations.set(organisations)
        audit_record(
            user=user,
            verb=_verb(record, "recorded"),
            obj=record,
            case_id=case.pk,
            person_id=case.person_id,
            organisation_id=record.organisation_id,
            reason=purpose,
            changes=to_json_safe(
                {
                    "kind": {"before": None, "after": kind},
                    "given_by": {"before": None, "after": given_by or lawful_basis},
                    "organisations": {"before": None, "after": sorted(o.pk for o in organisations)},
                    "data_categories": {"before": None, "after": categories},
                    "given_on": {"before": None, "after": given_on},
                    "expires_on": {"before": None, "after": expires_on},
                }
            ),
        )
    return record


def consent_withdraw(
    *,
    user: User,
    record: ConsentRecord,
    version: int,
    withdrawn_on: datetime.date | None,
    withdrawn_by_name: str,
    reason: str = "",
) -> ConsentRecord:
    """Record that consent was withdrawn (or a lawful basis no longer applies). It takes effect at once:
    nothing more is shared under it, and delivery organisations see that it was withdrawn. A person need not
    give a reason; the end of a lawful basis needs one. Audited as "consent.consent_withdrawn" or
    "consent.lawful_basis_withdrawn".

    Raises PermissionRefused; DomainError if already withdrawn; ValidationFailed; ConflictError on a
    stale version.
    """
    require_perm(user, "consent.withdraw_consent", record, WITHDRAW_REFUSED)
    if record.is_withdrawn:
        raise DomainError(f"This was already withdrawn on {govuk_date(record.withdrawn_on)}.")
    errors: dict[str, str] = {}
    withdrawn_by_name, reason = " ".join((withdrawn_by_name or "").split()), (reason or "").strip()
    if withdrawn_on is None:
        errors["withdrawn_on"] = "Enter the date it was withdrawn"
    elif withdrawn_on > clock.today():
        errors["withdrawn_on"] = "The date it was withdrawn must be today or in the past"
    elif withdrawn_on < record.given_on:
        errors["withdrawn_on"] = "The date it was withdrawn must be on or after the date it was given"
    if not withdrawn_by_name:
        errors["withdrawn_by_name"] = "Enter who withdrew it"
    if record.kind == BasisKind.LAWFUL_BASIS and not reason:
        errors["reason"] = "Enter why the lawful basis no longer applies"
    _raise(errors)
    with transaction.atomic():
        changes = record.write_if_version(
            version=version,
            user=user,
            stale_message=STALE,
            fields={
                "withdrawn_on": withdrawn_on,
                "withdrawn_by_name": withdrawn_by_name,
                "withdrawal_reason": reason,
                "withdrawal_recorded_at": clock.now(),
                "withdrawal_recorded_by": user,
            },
        )
        audit_record(
            user=user,
            verb=_verb(record, "withdrawn"),
            obj=record,
            case_id=record.case_id,
            person_id=record.case.person_id,
            reason=reason,
            changes=to_json_safe(
                {"withdrawn_on": changes["withdrawn_on"], "withdrawn_by_name": changes["withdrawn_by_name"]}
            ),
        )
    return record


def consent_dispose(*, case_id: int) -> int:
    """Delete a case's consent records whose records are being disposed of (retention), once the referrals
    made on them are (referrals_dispose).
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    return ConsentRecord.objects.filter(case_id=case_id).delete()[0]
