"""Writes of subject access requests: each step checks the permission and the life cycle, recomputes the due
date by the ICO's rules (deadline.py), and records an AuditEvent in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record, audit_record, audited_write_if_version
from casework.core import clock
from casework.core.errors import ValidationFailed, stale_message
from casework.core.permissions import require_perm
from casework.people.models import Person
from casework.people.policies import organisations_hold_relationship
from casework.subjectaccess import deadline, lifecycle
from casework.subjectaccess.choices import RedactionReason, RequestStatus
from casework.subjectaccess.errors import ExtensionTooLate, StepNotAllowed
from casework.subjectaccess.models import ClockPause, Redaction, SubjectAccessRequest
from casework.subjectaccess.selectors import subject_access_sections

PERMISSION = "subjectaccess.handle_request"
STALE = stale_message("This subject access request")


def _require_step(request: SubjectAccessRequest, action: str) -> None:
    if not lifecycle.allowed(action, request.status):
        raise StepNotAllowed(
            f"That step cannot be taken while the request is '{request.get_status_display().lower()}'."
        )


def _pauses(request: SubjectAccessRequest) -> list[deadline.Pause]:
    return [deadline.Pause(p.asked_on, p.answered_on) for p in request.pauses.all()]


def request_due_on(request: SubjectAccessRequest) -> datetime.date | None:
    """The due date as the request now stands (None while the clock is stopped)."""
    return deadline.due_date(
        received_on=request.received_on,
        identity_verified_on=request.identity_verified_on,
        pauses=_pauses(request),
        extension_months=request.extension_months,
    )


def _write(
    *, user: User, request: SubjectAccessRequest, version: int, verb: str, fields: dict[str, Any]
) -> None:
    audited_write_if_version(
        user=user,
        obj=request,
        version=version,
        fields=fields,
        stale_message=STALE,
        verb=verb,
        person_id=request.person_id,
        organisation_id=request.organisation_id,
    )


def request_receive(
    *,
    user: User,
    person: Person,
    organisation_id: int,
    requester_name: str,
    requested: str,
    received_on: datetime.date,
) -> SubjectAccessRequest:
    """Record a subject access request received by the organisation. Raises PermissionRefused, or
    ValidationFailed for an organisation the user does not audit or a date in the future."""
    require_perm(user, PERMISSION, person)
    if organisation_id not in actor_for(
        user
    ).auditing_organisation_ids or not organisations_hold_relationship(person, {organisation_id}):
        raise ValidationFailed(
            "Choose an organisation you audit that holds the person's record.", field="organisation"
        )
    if received_on > clock.today():
        raise ValidationFailed("The date received must be today or in the past.", field="received_on")
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            organisation_id=organisation_id,
            person=person,
            requester_name=requester_name,
            requested=requested,
            received_on=received_on,
            due_on=deadline.due_date(received_on=received_on),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="subjectaccess.request_received",
            obj=request,
            person_id=person.pk,
            organisation_id=organisation_id,
            changes={
                "received_on": {"before": None, "after": received_on},
                "due_on": {"before": None, "after": request.due_on},
            },
        )
    return request


def request_verify_identity(
    *, user: User, request: SubjectAccessRequest, version: int, verified_on: datetime.date, evidence: str
) -> None:
    """Record the requester's identity as verified: the clock runs from that day when later than receipt."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "verify_identity")
    if verified_on < request.received_on or verified_on > clock.today():
        raise ValidationFailed(
            "The date identity was verified must be between receipt and today.", field="verified_on"
        )
    request.identity_verified_on = verified_on
    _write(
        user=user,
        request=request,
        version=version,
        verb="subjectaccess.identity_verified",
        fields={
            "identity_verified_on": verified_on,
            "identity_evidence": evidence,
            "status": RequestStatus.IDENTITY_VERIFIED,
            "due_on": request_due_on(request),
        },
    )


def request_ask_clarification(
    *, user: User, request: SubjectAccessRequest, version: int, asked_on: datetime.date, question: str
) -> None:
    """Ask the requester to clarify: the clock stops from that day."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "ask_clarification")
    if asked_on < request.received_on or asked_on > clock.today():
        raise ValidationFailed("The date asked must be between receipt and today.", field="asked_on")
    if not question.strip():
        raise ValidationFailed("Say what you asked the requester.", field="question")
    with transaction.atomic():
        _write(
            user=user,
            request=request,
            version=version,
            verb="subjectaccess.clarification_asked",
            fields={"status": RequestStatus.CLARIFICATION_ASKED, "due_on": None},
        )
        ClockPause.objects.create(request=request, asked_on=asked_on, question=question)


def request_receive_clarification(
    *, user: User, request: SubjectAccessRequest, version: int, answered_on: datetime.date
) -> None:
    """The clarification came: the clock restarts, the days it stood still added to the due date."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "receive_clarification")
    pause = request.pauses.get(answered_on__isnull=True)
    if answered_on < pause.asked_on or answered_on > clock.today():
        raise ValidationFailed(
            "The date received must be between the question and today.", field="answered_on"
        )
    if request.extension_months:
        back_to = RequestStatus.EXTENDED
    elif request.identity_verified_on:
        back_to = RequestStatus.IDENTITY_VERIFIED
    else:
        back_to = RequestStatus.RECEIVED
    with transaction.atomic():
        pause.answered_on = answered_on
        pause.save(update_fields=["answered_on"])
        _write(
            user=user,
            request=request,
            version=version,
            verb="subjectaccess.clarification_received",
            fields={"status": back_to, "due_on": request_due_on(request)},
        )


def request_extend(
    *,
    user: User,
    request: SubjectAccessRequest,
    version: int,
    months: int,
    reason: str,
    letter_sent_on: datetime.date,
) -> None:
    """Extend by one or two months (complex or numerous requests). Raises ExtensionTooLate unless the letter
    to the requester went within the first month."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "extend")
    if not 1 <= months <= deadline.MAX_EXTENSION_MONTHS:
        raise ValidationFailed("An extension is of one or two months.", field="months")
    if not reason.strip():
        raise ValidationFailed("Say why the request is complex or numerous.", field="reason")
    if letter_sent_on > clock.today():
        raise ValidationFailed("The letter's date must be today or in the past.", field="letter_sent_on")
    if not deadline.extension_allowed(
        letter_sent_on=letter_sent_on,
        received_on=request.received_on,
        identity_verified_on=request.identity_verified_on,
        pauses=_pauses(request),
    ):
        raise ExtensionTooLate(
            "The requester must be told of an extension within the first month: it is too late to extend.",
            field="letter_sent_on",
        )
    request.extension_months = months
    _write(
        user=user,
        request=request,
        version=version,
        verb="subjectaccess.extended",
        fields={
            "extension_months": months,
            "extension_reason": reason,
            "extension_letter_sent_on": letter_sent_on,
            "status": RequestStatus.EXTENDED,
            "due_on": request_due_on(request),
        },
    )


def request_prepare_bundle(*, user: User, request: SubjectAccessRequest, version: int) -> None:
    """Export everything held about the person, across every organisation and app, into the request's bundle
    (earlier redactions of records still present are kept). Writes an AccessEvent (the export) and an
    AuditEvent."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "prepare_bundle")
    now = clock.now()
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
    counts: dict[str, int] = {}
    for app, (name, rows) in subject_access_sections(person_id=request.person_id):
        listed = list(rows)
        sections.setdefault(app, {})[name] = listed
        counts[f"{app}/{name}"] = len(listed)
    bundle = {
        "request_id": request.pk,
        "person_id": request.person_id,
        "prepared_at": now.isoformat(),
        "sections": sections,
    }
    with transaction.atomic():
        access_record(
            user=user,
            verb="subjectaccess.bundle_exported",
            obj=request,
            person_id=request.person_id,
            details={"counts": counts},
        )
        audited_write_if_version(
            user=user,
            obj=request,
            version=version,
            fields={"bundle": bundle, "bundle_prepared_at": now, "status": RequestStatus.BUNDLE_PREPARED},
            changes={"status": {"before": request.status, "after": RequestStatus.BUNDLE_PREPARED}},
            extra_changes={"counts": counts},
            stale_message=STALE,
            verb="subjectaccess.bundle_prepared",
            person_id=request.person_id,
            organisation_id=request.organisation_id,
        )


def request_redact(
    *,
    user: User,
    request: SubjectAccessRequest,
    section: str,
    record_id: str,
    field: str,
    reason: str,
    explanation: str,
) -> Redaction:
    """Mark a record of the bundle (or one field of it) to be withheld at release, with the reason."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "redact")
    errors: dict[str, str] = {}
    app, _, name = section.partition("/")
    rows = (request.bundle or {}).get("sections", {}).get(app, {}).get(name)
    row = next((r for r in rows or [] if str(r.get("id")) == str(record_id)), None)
    if row is None:
        errors["record_id"] = "Choose a record that is in the bundle."
    elif field and field not in row:
        errors["field"] = "Choose a field of that record, or leave it empty to withhold the whole record."
    if reason not in RedactionReason.values:
        errors["reason"] = "Choose the reason for the redaction."
    if not explanation.strip():
        errors["explanation"] = "Say why this is withheld."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)
    if Redaction.objects.filter(request=request, section=section, record_id=record_id, field=field).exists():
        raise ValidationFailed("That is already marked for redaction.", field="record_id")
    with transaction.atomic():
        redaction = Redaction.objects.create(
            request=request,
            section=section,
            record_id=str(record_id),
            field=field,
            reason=reason,
            explanation=explanation,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="subjectaccess.redaction_marked",
            obj=redaction,
            person_id=request.person_id,
            organisation_id=request.organisation_id,
            changes={
                "section": {"before": None, "after": section},
                "record_id": {"before": None, "after": record_id},
                "field": {"before": None, "after": field},
                "reason": {"before": None, "after": reason},
            },
            reason=explanation,
        )
    return redaction


def request_release(*, user: User, request: SubjectAccessRequest, version: int) -> None:
    """Release the bundle (with its redactions applied) to the requester. Audited."""
    require_perm(user, PERMISSION, request.person)
    _require_step(request, "release")
    now = clock.now()
    _write(
        user=user,
        request=request,
        version=version,
        verb="subjectaccess.released",
        fields={"status": RequestStatus.RELEASED, "released_at": now, "released_by": user},
    )
