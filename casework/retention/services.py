"""Writes of retention: the schedule (versioned, each change with its reason), legal holds, dry runs,
appraisals and disposal. Each checks the permission, writes and records its AuditEvent in one transaction.

Disposal deletes a record's personal data through each owning app's own dispose service, leaves a
Tombstone (no personal data) and one AuditEvent; the audit trail itself is kept (ADR 23)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from casework.accounts.models import User
from casework.assessments.services import assessments_dispose
from casework.audit.services import audit_record, audit_record_many, audited_write_if_version
from casework.careact.services import careact_dispose
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.cases.services import case_dispose
from casework.consent.services import consent_dispose
from casework.contacts.services import contacts_dispose
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed, stale_message
from casework.core.jobs import enqueue
from casework.core.permissions import require_perm
from casework.letters.services import letters_dispose
from casework.people.models import Person
from casework.people.policies import organisations_hold_relationship
from casework.people.services import person_dispose
from casework.plans.services import plans_dispose
from casework.referrals.services import referrals_dispose
from casework.retention import rules
from casework.retention.choices import Action, Decision, HoldReason, PeriodUnit, RecordKind, RunStatus
from casework.retention.errors import (
    DisposalBlocked,
    HoldAlreadyLifted,
    NoSuchRecord,
    NotDue,
    RecordHeld,
)
from casework.retention.models import (
    Appraisal,
    DisposalCandidate,
    DisposalRun,
    LegalHold,
    RecordClass,
    Tombstone,
)
from casework.reviews.services import reviews_dispose
from casework.risk.services import risk_dispose
from casework.safeguarding.services import safeguarding_dispose
from casework.subjectaccess.selectors import subject_access_requests_exist
from casework.tasks.services import tasks_dispose
from casework.waiting_list.services import waiting_list_dispose

logger = logging.getLogger(__name__)

SCHEDULE = "retention.manage_schedule"
GOVERN = "retention.govern_records"
STALE = stale_message("This record class")
BATCH = 2000
MAX_PERIOD = {PeriodUnit.YEARS: 150, PeriodUnit.MONTHS: 1800}


# The schedule -----------------------------------------------------------------------------------------------


def record_class_change(
    *,
    user: User,
    organisation_id: int,
    record_class: RecordClass,
    version: int,
    name: str,
    period: int,
    period_unit: str,
    action: str,
    reason: str,
) -> RecordClass:
    """Change a class of the organisation's schedule, with the reason. A default class is not changed: the
    organisation gets its own class in its place. Raises ConflictError when somebody changed it first."""
    require_perm(user, SCHEDULE, organisation_id)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the class's name."
    if period_unit not in PeriodUnit.values:
        errors["period_unit"] = "Choose years or months."
    elif not 1 <= period <= MAX_PERIOD[PeriodUnit(period_unit)]:
        errors["period"] = "Enter a period of at least 1 (and at most 150 years)."
    if action not in Action.values:
        errors["action"] = "Choose what happens when the period has run."
    if not reason.strip():
        errors["reason"] = "Say why the schedule changes."
    if record_class.organisation_id not in (None, organisation_id):
        errors["name"] = "That class is another organisation's."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)
    fields = {"name": name, "period": period, "period_unit": period_unit, "action": action}
    if record_class.organisation_id == organisation_id:
        audited_write_if_version(
            user=user,
            obj=record_class,
            version=version,
            fields=fields,
            stale_message=STALE,
            verb="retention.class_changed",
            reason=reason,
            organisation_id=organisation_id,
            changed_only=True,
        )
        return record_class
    if record_class.version != version:
        raise DomainError(STALE)
    with transaction.atomic():
        own, made = RecordClass.objects.get_or_create(
            organisation_id=organisation_id,
            covers=record_class.covers,
            defaults={**fields, "trigger": record_class.trigger, "created_by": user, "modified_by": user},
        )
        if not made:
            raise DomainError(STALE)
        audit_record(
            user=user,
            verb="retention.class_changed",
            obj=own,
            organisation_id=organisation_id,
            reason=reason,
            changes={
                "from_default": {"before": None, "after": record_class.pk},
                **{
                    key: {"before": getattr(record_class, key), "after": value}
                    for key, value in fields.items()
                    if getattr(record_class, key) != value
                },
            },
        )
    return own


# Legal holds ------------------------------------------------------------------------------------------------


def _find_record(*, organisation_id: int, kind: str, identifier: str) -> tuple[int, str, int | None]:
    """(id, case reference, person id) of the organisation's case (by reference) or person (by number)."""
    identifier = identifier.strip()
    if kind == RecordKind.CASE:
        case = (
            Case.objects.filter(holder_q([organisation_id]), reference__iexact=identifier)
            .values("pk", "reference", "person_id")
            .first()
        )
        if case is None:
            raise NoSuchRecord("No case of your organisation has that reference.", field="identifier")
        return case["pk"], case["reference"], case["person_id"]
    person = Person.objects.filter(pk=int(identifier)).first() if identifier.isdigit() else None
    if person is None or not (
        person.created_by_organisation_id == organisation_id
        or organisations_hold_relationship(person, {organisation_id})
    ):
        raise NoSuchRecord("No person of your organisation has that number.", field="identifier")
    return person.pk, "", person.pk


def hold_place(
    *, user: User, organisation_id: int, kind: str, identifier: str, reason: str, reference: str
) -> LegalHold:
    """Place a legal hold on a case (by its reference) or a person (by their number): nothing of it is listed
    for disposal or disposed of until it is lifted."""
    require_perm(user, GOVERN, organisation_id)
    if kind not in RecordKind.values:
        raise ValidationFailed("Choose a case or a person.", field="kind")
    if reason not in HoldReason.values:
        raise ValidationFailed("Choose why the records are held.", field="reason")
    if not reference.strip():
        raise ValidationFailed("Enter the inquiry's, claim's or complaint's reference.", field="reference")
    object_id, record_reference, person_id = _find_record(
        organisation_id=organisation_id, kind=kind, identifier=identifier
    )
    with transaction.atomic():
        hold = LegalHold.objects.create(
            organisation_id=organisation_id,
            kind=kind,
            object_id=object_id,
            record_reference=record_reference,
            reason=reason,
            reference=reference.strip(),
            placed_by=user,
            placed_at=clock.now(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="retention.hold_placed",
            obj=hold,
            person_id=person_id,
            case_id=object_id if kind == RecordKind.CASE else None,
            organisation_id=organisation_id,
            changes={
                "kind": {"before": None, "after": kind},
                "object_id": {"before": None, "after": object_id},
                "reason": {"before": None, "after": reason},
                "reference": {"before": None, "after": hold.reference},
            },
        )
    return hold


def hold_lift(*, user: User, hold: LegalHold, reason: str) -> None:
    """Lift a legal hold, with the reason: the record is governed by the schedule again."""
    require_perm(user, GOVERN, hold.organisation_id)
    if not reason.strip():
        raise ValidationFailed("Say why the hold is lifted.", field="reason")
    now = clock.now()
    with transaction.atomic():
        lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=user, lift_reason=reason, modified_by=user, modified_at=now
        )
        if not lifted:
            raise HoldAlreadyLifted("That hold has already been lifted.")
        hold.lifted_at, hold.lifted_by, hold.lift_reason = now, user, reason
        audit_record(
            user=user,
            verb="retention.hold_lifted",
            obj=hold,
            person_id=hold.object_id if hold.kind == RecordKind.PERSON else None,
            case_id=hold.object_id if hold.kind == RecordKind.CASE else None,
            organisation_id=hold.organisation_id,
            reason=reason,
            changes={"lifted_at": {"before": None, "after": now}},
        )


# Dry runs ---------------------------------------------------------------------------------------------------


# The default schedule (also seeded by migration 0002, which must not import this module): put back by
# record_class_defaults_ensure where a database has lost it (a test database flushed between tests).
DEFAULT_CLASSES: tuple[tuple[str, str, str, int, str, str], ...] = (
    # (covers, name, trigger, period, unit, action)
    ("advice_only", "Information and advice only", "last_contact", 2, "years", "destroy"),
    ("closed_case", "Case records", "closure", 8, "years", "destroy"),
    ("deceased", "Case records of people who have died", "death", 8, "years", "review"),
    ("direct_payment", "Direct payment records", "direct_payment_end", 6, "years", "review"),
)


def record_class_defaults_ensure() -> int:
    """Make the default classes that are missing (none, normally). Returns how many were made."""
    made = 0
    for covers, name, trigger, period, unit, action in DEFAULT_CLASSES:
        _, created = RecordClass.objects.get_or_create(
            organisation=None,
            covers=covers,
            defaults={
                "name": name,
                "trigger": trigger,
                "period": period,
                "period_unit": unit,
                "action": action,
            },
        )
        made += created
    return made


def dry_run_start(*, user: User, organisation_id: int, queue: bool = True) -> DisposalRun:
    """A dry run of the organisation's schedule, waiting for its job (or for the caller: queue=False)."""
    require_perm(user, GOVERN, organisation_id)
    with transaction.atomic():
        record_class_defaults_ensure()
        run = DisposalRun.objects.create(
            organisation_id=organisation_id,
            dry_run=True,
            as_of=clock.today(),
            created_by=user,
            modified_by=user,
        )
        audit_record(user=user, verb="retention.dry_run_requested", obj=run, organisation_id=organisation_id)
        if queue:
            enqueue("retention.dry_run", run_id=run.pk, organisation_id=organisation_id)
    return run


def dry_run_count(*, run: DisposalRun) -> int:
    """How many records the run will list (what a progress bar counts to)."""
    queries = rules.schedule_queries(organisation_id=run.organisation_id, as_of=run.as_of)
    return sum(query.due.count() for query in queries)


def _fail(run_id: int, error: Exception) -> None:
    logger.exception("Retention run %s failed", run_id)
    DisposalRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, failure=str(error)[:2000], finished_at=clock.now()
    )


def dry_run_execute(*, run_id: int, progress: Callable[[int], None] | None = None) -> DisposalRun:
    """List what is due under each class of the schedule, and why, as the run's candidates (held records
    never: they are counted). Idempotent: a run already done is returned as it is; one cut short starts
    again. The records are found by the database and written in batches."""
    run = DisposalRun.objects.get(pk=run_id, dry_run=True)
    if run.status == RunStatus.DONE:
        return run
    try:
        queries = rules.schedule_queries(organisation_id=run.organisation_id, as_of=run.as_of)
        total = sum(query.due.count() for query in queries)
        DisposalRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, started_at=clock.now(), total=total, processed=0
        )
        run.candidates.all().delete()
        counts: dict[str, int] = {}
        processed = 0
        for query in queries:
            record_class = query.record_class
            fields = (
                ("pk", "reference", "trigger_on") if query.kind == RecordKind.CASE else ("pk", "trigger_on")
            )
            batch: list[DisposalCandidate] = []
            listed = 0
            for row in query.due.values_list(*fields).iterator(chunk_size=BATCH):
                trigger_on = _as_date(row[-1])
                batch.append(
                    DisposalCandidate(
                        run_id=run.pk,
                        kind=query.kind,
                        object_id=row[0],
                        reference=row[1] if query.kind == RecordKind.CASE else "",
                        record_class_id=record_class.pk,
                        class_version=record_class.version,
                        action=record_class.action,
                        trigger_on=trigger_on,
                        due_on=rules.due_on(record_class, trigger_on),
                    )
                )
                if len(batch) >= BATCH:
                    listed += _write_batch(run, batch, processed + listed, progress)
                    batch = []
            listed += _write_batch(run, batch, processed + listed, progress)
            processed += listed
            counts[record_class.covers] = listed
            counts[f"{record_class.covers}_held"] = query.held.count()
        with transaction.atomic():
            DisposalRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, processed=processed, counts=counts, finished_at=clock.now()
            )
            audit_record(
                user=None,
                verb="retention.dry_run_done",
                obj=run,
                organisation_id=run.organisation_id,
                changes={"counts": {"before": None, "after": counts}},
            )
    except Exception as error:
        _fail(run.pk, error)
        raise
    run.refresh_from_db()
    return run


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    assert isinstance(value, datetime.date)
    return value


def _write_batch(
    run: DisposalRun, batch: list[DisposalCandidate], done: int, progress: Callable[[int], None] | None
) -> int:
    if not batch:
        return 0
    DisposalCandidate.objects.bulk_create(batch)
    DisposalRun.objects.filter(pk=run.pk).update(processed=done + len(batch))
    if progress is not None:
        progress(len(batch))
    return len(batch)


# Appraisal --------------------------------------------------------------------------------------------------


def appraisal_record(
    *,
    user: User,
    run: DisposalRun,
    candidates: list[DisposalCandidate],
    decision: str,
    reason: str,
    review_on: datetime.date | None = None,
) -> list[Appraisal]:
    """Record one decision (destroy, keep, extend to a review date) with its reason for a batch of the dry
    run's records not appraised yet. Audited, one event per record."""
    require_perm(user, GOVERN, run.organisation_id)
    errors: dict[str, str] = {}
    if not candidates:
        errors["candidates"] = "Select at least one record to appraise."
    if decision not in Decision.values:
        errors["decision"] = "Choose destroy, keep or extend."
    if not reason.strip():
        errors["reason"] = "Say why."
    if decision == Decision.EXTEND and (review_on is None or review_on <= clock.today()):
        errors["review_on"] = "Enter the date to review it again, in the future."
    if errors:
        raise ValidationFailed(next(iter(errors.values())), field=next(iter(errors)), errors=errors)
    if any(c.run_id != run.pk for c in candidates):
        raise ValidationFailed("Select records of this dry run.", field="candidates")
    now = clock.now()
    with transaction.atomic():
        if Appraisal.objects.filter(candidate__in=candidates).exists():
            raise DomainError("Some of those records have been appraised already: reload the page.")
        made = Appraisal.objects.bulk_create(
            [
                Appraisal(
                    organisation_id=run.organisation_id,
                    candidate=c,
                    kind=c.kind,
                    object_id=c.object_id,
                    decision=decision,
                    reason=reason,
                    review_on=review_on if decision == Decision.EXTEND else None,
                    decided_by=user,
                    decided_at=now,
                    created_by=user,
                    modified_by=user,
                )
                for c in candidates
            ]
        )
        audit_record_many(
            [
                {
                    "user": user,
                    "verb": "retention.appraised",
                    "obj": c,
                    "person_id": c.object_id if c.kind == RecordKind.PERSON else None,
                    "case_id": c.object_id if c.kind == RecordKind.CASE else None,
                    "organisation_id": run.organisation_id,
                    "reason": reason,
                    "changes": {"decision": {"before": None, "after": decision}},
                }
                for c in candidates
            ]
        )
    return made


# Disposal ---------------------------------------------------------------------------------------------------


def _delete_case(case_id: int) -> dict[str, int]:
    """Each app deletes what it holds on the case, those whose rows refer to others' first: a review refers to
    a support plan, a referral to the consent it was made on, a need to its assessment; everything to the
    case, which goes last (ADR 23)."""
    return {
        "safeguarding": safeguarding_dispose(case_id=case_id),
        "reviews": reviews_dispose(case_id=case_id),
        "waiting_list": waiting_list_dispose(case_id=case_id),
        "referrals": referrals_dispose(case_id=case_id),
        "consent": consent_dispose(case_id=case_id),
        "plans": plans_dispose(case_id=case_id),
        "careact": careact_dispose(case_id=case_id),
        "assessments": assessments_dispose(case_id=case_id),
        "tasks": tasks_dispose(case_id=case_id),
        "contacts": contacts_dispose(case_id=case_id),
        "letters": letters_dispose(case_id=case_id),
        "cases": case_dispose(case_id=case_id),
    }


def _delete_person(person_id: int) -> dict[str, int]:
    """A person with no case left: what apps hold about them alone, then their own record."""
    return {
        "safeguarding": safeguarding_dispose(person_id=person_id),
        "risk": risk_dispose(person_id=person_id),
        "tasks": tasks_dispose(person_id=person_id),
        "contacts": contacts_dispose(person_id=person_id),
        "letters": letters_dispose(person_id=person_id),
        "people": person_dispose(person_id=person_id),
    }


def record_dispose(*, user: User, appraisal: Appraisal, run: DisposalRun | None = None) -> Tombstone:
    """Dispose of a record appraised for destruction: refused while it is held (RecordHeld), no longer due
    (NotDue) or referred to by records no app disposes of yet (DisposalBlocked); nothing changes then.
    Deletes its personal data through each owning app, leaves a Tombstone and an AuditEvent."""
    require_perm(user, GOVERN, appraisal.organisation_id)
    if appraisal.decision != Decision.DESTROY:
        raise NotDue("Only a record appraised for destruction can be disposed of.")
    if Tombstone.objects.filter(kind=appraisal.kind, former_id=appraisal.object_id).exists():
        raise NotDue("That record has already been disposed of.")
    if rules.record_is_held(kind=appraisal.kind, object_id=appraisal.object_id):
        raise RecordHeld("A legal hold stops the disposal of this record: lift the hold first.")
    record_class = rules.record_due_under(
        kind=appraisal.kind,
        object_id=appraisal.object_id,
        organisation_id=appraisal.organisation_id,
        as_of=clock.today(),
    )
    if record_class is None:
        raise NotDue("This record is no longer due for disposal under the schedule.")
    reference = ""
    person_id: int | None = appraisal.object_id if appraisal.kind == RecordKind.PERSON else None
    if person_id is not None and subject_access_requests_exist(person_id=person_id):
        raise DisposalBlocked(
            "This person made a subject access request, kept as the log of requests answered: the person's "
            "record stays until the request is disposed of under its own retention."
        )
    if appraisal.kind == RecordKind.CASE:
        case = Case.objects.values("reference", "person_id").get(pk=appraisal.object_id)
        reference, person_id = case["reference"], case["person_id"]
    try:
        with transaction.atomic():
            deleted = (
                _delete_case(appraisal.object_id)
                if appraisal.kind == RecordKind.CASE
                else _delete_person(appraisal.object_id)
            )
            tombstone = Tombstone.objects.create(
                organisation_id=appraisal.organisation_id,
                kind=appraisal.kind,
                former_id=appraisal.object_id,
                reference=reference,
                record_class=record_class,
                class_version=record_class.version,
                appraisal=appraisal,
                run=run,
                disposed_at=clock.now(),
                disposed_by=user,
                rows_deleted=deleted,
            )
            audit_record(
                user=user,
                verb="retention.disposed",
                obj=tombstone,
                person_id=person_id,
                case_id=appraisal.object_id if appraisal.kind == RecordKind.CASE else None,
                organisation_id=appraisal.organisation_id,
                reason=appraisal.reason,
                changes={
                    "kind": {"before": None, "after": appraisal.kind},
                    "former_id": {"before": appraisal.object_id, "after": None},
                    "reference": {"before": reference, "after": None},
                    "record_class": {"before": None, "after": record_class.pk},
                    "class_version": {"before": None, "after": record_class.version},
                    "rows_deleted": {"before": None, "after": deleted},
                },
            )
    except ProtectedError as error:
        held_by = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise DisposalBlocked(
            f"Other records still refer to this {appraisal.kind} ({', '.join(map(str, held_by))}): "
            "they must be disposed of first."
        ) from None
    return tombstone


def disposal_run_start(*, user: User, source_run: DisposalRun, queue: bool = True) -> DisposalRun:
    """A disposal run of the dry run's records appraised for destruction, waiting for its job."""
    require_perm(user, GOVERN, source_run.organisation_id)
    if not source_run.dry_run or source_run.status != RunStatus.DONE:
        raise DomainError("Dispose of records from a finished dry run.")
    appraised = Appraisal.objects.filter(candidate__run=source_run, decision=Decision.DESTROY)
    if not appraised.filter(tombstone__isnull=True).exists():
        raise DomainError("No record of this dry run is appraised for destruction and still to dispose of.")
    with transaction.atomic():
        run = DisposalRun.objects.create(
            organisation_id=source_run.organisation_id,
            dry_run=False,
            source_run=source_run,
            as_of=clock.today(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="retention.disposal_requested",
            obj=run,
            organisation_id=run.organisation_id,
            changes={"source_run": {"before": None, "after": source_run.pk}},
        )
        if queue:
            enqueue("retention.disposal_run", run_id=run.pk, organisation_id=run.organisation_id)
    return run


def disposal_run_execute(*, run_id: int) -> DisposalRun:
    """Dispose of each record of the source dry run appraised for destruction, one transaction each; those
    held, no longer due or blocked are counted and left. Idempotent: what is disposed of is not again."""
    run = DisposalRun.objects.select_related("created_by").get(pk=run_id, dry_run=False)
    if run.status == RunStatus.DONE:
        return run
    user = run.created_by
    if user is None:
        raise DomainError("A disposal run needs the person who started it.")
    appraisals = list(
        Appraisal.objects.filter(
            candidate__run_id=run.source_run_id, decision=Decision.DESTROY, tombstone__isnull=True
        ).order_by("pk")
    )
    DisposalRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=clock.now(), total=len(appraisals), processed=0
    )
    counts = {"disposed": 0, "held": 0, "not_due": 0, "blocked": 0}
    try:
        for done, appraisal in enumerate(appraisals, start=1):
            try:
                record_dispose(user=user, appraisal=appraisal, run=run)
                counts["disposed"] += 1
            except RecordHeld:
                counts["held"] += 1
            except DisposalBlocked:
                counts["blocked"] += 1
            except NotDue:
                counts["not_due"] += 1
            DisposalRun.objects.filter(pk=run.pk).update(processed=done)
        with transaction.atomic():
            DisposalRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, counts=counts, finished_at=clock.now()
            )
            audit_record(
                user=user,
                verb="retention.disposal_done",
                obj=run,
                organisation_id=run.organisation_id,
                changes={"counts": {"before": None, "after": counts}},
            )
    except Exception as error:
        _fail(run.pk, error)
        raise
    run.refresh_from_db()
    return run
