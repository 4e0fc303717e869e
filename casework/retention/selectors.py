"""Reads of the retention schedule, holds, runs and tombstones, and the queryset twins of policies.py. A
record of another organisation is not found (404), as for none."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.http import Http404

from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.core.export import Section, model_rows
from casework.core.querysets import Pager, Shown
from casework.retention import rules
from casework.retention.choices import RecordKind
from casework.retention.models import (
    Appraisal,
    DisposalCandidate,
    DisposalRun,
    LegalHold,
    RecordClass,
    Tombstone,
)
from casework.retention.policies import GOVERNING_ROLES, SCHEDULE_ROLES

CSV_HEADER = ("kind", "id", "reference", "class", "trigger", "trigger_on", "due_on", "action", "appraisal")


def schedule_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose schedule the user keeps (twin of retention.manage_schedule)."""
    return organisation_list_with_role(user=user, roles=SCHEDULE_ROLES)


def governing_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose records the user governs (twin of retention.govern_records)."""
    return organisation_list_with_role(user=user, roles=GOVERNING_ROLES)


def _ids(user: User, roles: tuple[str, ...]) -> frozenset[int]:
    return actor_for(user).organisations_with_role(*roles)


def organisation_for_user(*, user: User, schedule: bool = False) -> Organisation:
    """The organisation the retention pages act for: the user's first where they hold the permission."""
    held = _ids(user, SCHEDULE_ROLES if schedule else GOVERNING_ROLES)
    primary = actor_for(user).primary_organisation_id
    chosen = primary if primary in held else min(held, default=None)
    if chosen is None:
        raise Http404("No organisation whose records you govern")
    return Organisation.objects.get(pk=chosen)


def record_class_list_for_organisation(*, organisation_id: int) -> list[RecordClass]:
    """The organisation's schedule: its own class for each coverage, else the default."""
    return rules.effective_classes(organisation_id=organisation_id)


def record_class_get_for_user(*, user: User, class_id: int) -> RecordClass:
    """A class the user may change (a default, or their organisation's own), else Http404."""
    held = _ids(user, SCHEDULE_ROLES)
    found = (
        RecordClass.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=held))
        .filter(pk=class_id)
        .first()
    )
    if found is None or not held:
        raise Http404("No record class found")
    return found


def hold_list_for_user(*, user: User, pager: Pager) -> Shown[LegalHold]:
    holds = LegalHold.objects.filter(organisation_id__in=_ids(user, GOVERNING_ROLES)).select_related(
        "placed_by", "lifted_by"
    )
    return pager.cut(holds)


def hold_get_for_user(*, user: User, hold_id: int) -> LegalHold:
    found = (
        LegalHold.objects.filter(organisation_id__in=_ids(user, GOVERNING_ROLES), pk=hold_id)
        .select_related("placed_by", "lifted_by")
        .first()
    )
    if found is None:
        raise Http404("No legal hold found")
    return found


def run_list_for_user(*, user: User, pager: Pager) -> Shown[DisposalRun]:
    runs = DisposalRun.objects.filter(organisation_id__in=_ids(user, GOVERNING_ROLES)).select_related(
        "created_by"
    )
    return pager.cut(runs)


def run_get_for_user(*, user: User, run_id: int) -> DisposalRun:
    found = (
        DisposalRun.objects.filter(organisation_id__in=_ids(user, GOVERNING_ROLES), pk=run_id)
        .select_related("organisation", "created_by", "source_run")
        .first()
    )
    if found is None:
        raise Http404("No dry run found")
    return found


def candidate_list(*, run: DisposalRun) -> QuerySet[DisposalCandidate]:
    """The run's candidates, with their class and appraisal (one query however many)."""
    return run.candidates.select_related(
        "record_class", "appraisal__decided_by", "appraisal__tombstone"
    ).order_by("due_on", "pk")


def candidate_list_for_run(*, run: DisposalRun, pager: Pager) -> Shown[DisposalCandidate]:
    return pager.cut(candidate_list(run=run))


def candidate_get(*, run: DisposalRun, candidate_id: int) -> DisposalCandidate:
    found = candidate_list(run=run).filter(pk=candidate_id).first()
    if found is None:
        raise Http404("No such record in this dry run")
    return found


def candidates_csv_rows(*, user: User, run: DisposalRun) -> Iterator[tuple[object, ...]]:
    """The dry run's list as CSV rows, read in chunks (the download is recorded as an AccessEvent)."""
    access_record(
        user=user,
        verb="retention.dry_run_downloaded",
        obj=run,
        organisation_id=run.organisation_id,
        details={"candidates": run.total},
    )
    yield CSV_HEADER
    rows = candidate_list(run=run)
    for c in rows.iterator(chunk_size=2000):
        appraisal = getattr(c, "appraisal", None)
        yield (
            c.kind,
            c.object_id,
            c.reference,
            c.record_class.name,
            c.record_class.get_trigger_display(),
            c.trigger_on.isoformat(),
            c.due_on.isoformat(),
            c.get_action_display(),
            appraisal.get_decision_display() if appraisal else "",
        )


def tombstone_list_for_user(*, user: User, pager: Pager) -> Shown[Tombstone]:
    tombstones = Tombstone.objects.filter(organisation_id__in=_ids(user, GOVERNING_ROLES)).select_related(
        "record_class", "disposed_by"
    )
    return pager.cut(tombstones)


def retention_subject_access_sections(*, person_id: int) -> list[Section]:
    """The legal holds and appraisals about the person or their cases, for a subject access bundle."""
    case_ids = Case.objects.filter(person_id=person_id).values("pk")
    about = Q(kind=RecordKind.PERSON, object_id=person_id) | Q(kind=RecordKind.CASE, object_id__in=case_ids)
    return [
        ("legal_holds", model_rows(LegalHold.objects.filter(about))),
        ("appraisals", model_rows(Appraisal.objects.filter(about))),
    ]
