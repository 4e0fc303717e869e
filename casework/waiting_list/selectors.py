"""Reads of waiting lists, scoped to the organisations the user does casework in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from casework.accounts.choices import CASEWORK_ROLES, Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.audit.services import access_record
from casework.cases.choices import OPEN_STATUSES
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.core import clock
from casework.core.export import Section, model_rows
from casework.core.querysets import Pager, Shown
from casework.core.working_days import add_working_days
from casework.waiting_list.choices import DUE_SOON_WORKING_DAYS
from casework.waiting_list.models import Escalation, Reprioritisation, Timescale, WaitingListEntry


@dataclass(frozen=True)
class WaitingFilters:
    list_kind: str = ""
    priority: str = ""
    rag: str = ""
    team_id: int | None = None
    area: str = ""
    due: str = ""  # "overdue", "due_soon" or ""


def waiting_list_visible(*, user: User) -> QuerySet[WaitingListEntry]:
    """Open entries on the lists of the organisations the user does casework in (twin of view_waiting_list).

    An entry's organisation is always the one holding its case (set on triage, moved on transfer), so the
    organisation alone scopes it: no join to the million cases to check visibility again.
    """
    organisations = actor_for(user).casework_organisation_ids
    if not organisations:
        return WaitingListEntry.objects.none()
    return WaitingListEntry.objects.filter(organisation_id__in=organisations, exited_on__isnull=True)


def waiting_list_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose waiting lists the user reads (twin of waiting_list.view_waiting_list: the
    user may read waiting lists when there is one)."""
    return organisation_list_with_role(user=user, roles=CASEWORK_ROLES)


def case_list_triageable(*, user: User) -> QuerySet[Case]:
    """Open cases the user may put on a waiting list or reprioritise (twin of waiting_list.triage_case)."""
    actor = actor_for(user)
    if not actor.editing_organisation_ids:
        return Case.objects.none()
    return Case.objects.filter(
        holder_q(actor.editing_organisation_ids),
        status__in=OPEN_STATUSES,
        initiative_id__in=actor.initiative_ids,
    )


def timescale_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose allocation timescales the user sets (twin of
    waiting_list.manage_timescales)."""
    return organisation_list_with_role(user=user, roles=[Role.ORG_ADMIN])


def due_soon_limit(today: datetime.date | None = None) -> datetime.date:
    return add_working_days(today or clock.today(), DUE_SOON_WORKING_DAYS)


def waiting_list_filtered(
    *, user: User, filters: WaitingFilters = WaitingFilters()
) -> QuerySet[WaitingListEntry]:
    """The user's open entries matching the filters, unordered (for counting)."""
    qs = waiting_list_visible(user=user)
    if filters.list_kind:
        qs = qs.filter(list_kind=filters.list_kind)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.rag:
        qs = qs.filter(rag=filters.rag)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.area:
        qs = qs.filter(area__iexact=filters.area.strip())
    today = clock.today()
    if filters.due == "overdue":
        qs = qs.filter(due_on__lt=today)
    elif filters.due == "due_soon":
        qs = qs.filter(due_on__gte=today, due_on__lte=due_soon_limit(today))
    return qs


def waiting_list_ordered(
    *, user: User, filters: WaitingFilters = WaitingFilters()
) -> QuerySet[WaitingListEntry]:
    """The user's waiting lists, filtered, by due date (so overdue, then due soon, come first)."""
    qs = waiting_list_filtered(user=user, filters=filters)
    # The highest level this breach has been escalated to, for the list to show: a subquery per row shown
    # (an aggregate would group every matching entry before the page is cut).
    escalated = (
        Escalation.objects.filter(entry=OuterRef("pk"), breached_due_on=OuterRef("due_on"))
        .order_by("-level")
        .values("level")[:1]
    )
    return (
        qs.select_related("case__person", "case__household", "team")
        .annotate(escalation_level=Subquery(escalated))
        .order_by("due_on", "id")
    )


# What a row of the list (page, CSV and API) shows: the wide case, person and household rows are not read.
LIST_COLUMNS = (
    "id",
    "version",
    "case_id",
    "organisation_id",
    "team_id",
    "list_kind",
    "priority",
    "rag",
    "rag_reason",
    "crisis",
    "can_report_changes",
    "area",
    "received_on",
    "due_on",
    "exited_on",
    "exit_reason",
    "case__id",
    "case__reference",
    "case__person_id",
    "case__household_id",
    "case__person__id",
    "case__person__given_name",
    "case__person__family_name",
    "case__person__is_restricted",
    "case__household__id",
    "case__household__name",
    "case__household__address_line_1",
    "case__household__address_line_2",
    "case__household__town",
    "case__household__postcode",
    "team__id",
    "team__name",
)


def waiting_list_rows(
    *, user: User, filters: WaitingFilters = WaitingFilters()
) -> QuerySet[WaitingListEntry]:
    """waiting_list_ordered with only the columns the list shows."""
    return waiting_list_ordered(user=user, filters=filters).only(*LIST_COLUMNS)


def waiting_list_for_user(
    *, user: User, pager: Pager, filters: WaitingFilters = WaitingFilters(), purpose: str = "viewed"
) -> Shown[WaitingListEntry]:
    """The page that `pager` asks for of the user's waiting lists, filtered. A list names the people waiting:
    one AccessEvent "waiting_list.list_<purpose>" names the entries on the page."""
    shown = pager.cut(waiting_list_rows(user=user, filters=filters))
    access_record(
        user=user,
        verb=f"waiting_list.list_{purpose}",
        details={"entries": shown.ids, "rows": len(shown.rows), "page": shown.number},
    )
    return shown


def waiting_list_export_for_user(
    *, user: User, filters: WaitingFilters = WaitingFilters()
) -> QuerySet[WaitingListEntry]:
    """Every row of the user's waiting lists that the filters match, to stream as a file. A download is
    recorded as it starts: one AccessEvent "waiting_list.exported" naming the filters (the rows are not read
    yet)."""
    access_record(user=user, verb="waiting_list.exported", details={"filters": filters.__dict__})
    return waiting_list_rows(user=user, filters=filters)


def waiting_counts(qs: QuerySet[WaitingListEntry]) -> dict[str, int]:
    """Counts by priority, and how many are overdue and due soon, in one query."""
    today = clock.today()
    return qs.order_by().aggregate(
        total=Count("id"),
        urgent=Count("id", filter=Q(priority="urgent")),
        normal=Count("id", filter=Q(priority="normal")),
        low=Count("id", filter=Q(priority="low")),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=due_soon_limit(today))),
    )


def waiting_entry_get_for_user(
    *, user: User, entry_id: int, include_exited: bool = False, purpose: str = "viewed"
) -> WaitingListEntry:
    """An entry of the user's organisations' lists, else Http404; an entry the person has left only with
    `include_exited` (to read its exit, never to change it). Writes an AccessEvent
    "waiting_list.entry_<purpose>".
    """

    if include_exited:
        organisations = actor_for(user).casework_organisation_ids
        qs = WaitingListEntry.objects.filter(organisation_id__in=organisations)
    else:
        qs = waiting_list_visible(user=user)
    entry = qs.select_related("case__person", "case__household").filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No waiting list entry found")
    access_record(
        user=user,
        verb=f"waiting_list.entry_{purpose}",
        obj=entry,
        case_id=entry.case_id,
        person_id=entry.case.person_id,
    )
    return entry


def waiting_entries_for_case(*, case: Case) -> QuerySet[WaitingListEntry]:
    """Every entry of the case, open first, with its escalations (for the case page; the caller has checked
    the case is visible)."""
    return (
        WaitingListEntry.objects.filter(case=case)
        .prefetch_related("escalations")
        .order_by("-exited_on", "due_on")
    )


def reprioritisations_for(*, entry: WaitingListEntry) -> QuerySet[Reprioritisation]:
    return entry.reprioritisations.select_related("changed_by")


def timescales_for(*, organisation_id: int) -> dict[tuple[str, str], int]:
    """{(list kind, priority): working days} as set by the organisation (defaults fill the rest)."""
    return {
        (t.list_kind, t.priority): t.working_days
        for t in Timescale.objects.filter(organisation_id=organisation_id)
    }


def case_has_waiting_entries_expression() -> Exists:
    """Whether a case has ever been on a waiting list, as an expression on its row (read with the case by its
    page)."""
    return Exists(WaitingListEntry.objects.filter(case_id=OuterRef("pk")))


def waiting_list_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [("waiting_list_entries", model_rows(WaitingListEntry.objects.filter(case__person_id=person_id)))]
