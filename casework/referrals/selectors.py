"""Reads of referrals, scoped to the user (the queryset twins of policies.py). What a referral shows is in
sharing.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from casework.accounts.models import AnyUser, Organisation, User
from casework.accounts.selectors import actor_for
from casework.assessments.choices import FINISHED_NEED_STATUSES
from casework.assessments.models import Need, NeedStatusChange
from casework.audit.services import access_record
from casework.cases.models import Case as CaseModel
from casework.cases.selectors import case_list_visible
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm
from casework.core.querysets import Pager, Shown
from casework.core.related import fill_foreign_keys
from casework.people.selectors import person_names_reveal
from casework.referrals.choices import OPEN_REFERRAL_STATUSES, ReferralStatus
from casework.referrals.models import Referral, ReferralAction
from casework.referrals.sharing import WorklistRow, shared_categories, worklist_rows

NEEDS = Prefetch("needs", queryset=Need.objects.select_related("definition").order_by("created_at", "id"))


def delivery_organisation_ids(*, user: AnyUser) -> frozenset[int]:
    """The delivery organisations the user does casework in (from the user's memberships, no query)."""
    actor = actor_for(user)
    return frozenset(
        pk for pk in actor.casework_organisation_ids if "delivery" in actor.organisation_kinds.get(pk, ())
    )


def _delivery_q(org_ids: Iterable[int], initiative_ids: Iterable[int]) -> Q:
    return Q(delivery_organisation_id__in=org_ids, initiative_id__in=initiative_ids)


def referral_list_visible(*, user: User) -> QuerySet[Referral]:
    """Referrals the user may open (twin of policies.can_view_referral): sent to their organisation, or on
    a case they may open."""
    actor = actor_for(user)
    q = Q(case__in=case_list_visible(user=user))
    if actor.casework_organisation_ids:
        q |= _delivery_q(actor.casework_organisation_ids, actor.initiative_ids)
    return Referral.objects.filter(q)


def referral_list_workable(*, user: User) -> QuerySet[Referral]:
    """Referrals the user may accept, decline and work (twin of policies.can_work_referral)."""
    actor = actor_for(user)
    if not actor.editing_organisation_ids:
        return Referral.objects.none()
    return Referral.objects.filter(_delivery_q(actor.editing_organisation_ids, actor.initiative_ids))


def referral_list_received(*, user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations (the delivery side of referral_list_visible)."""
    actor = actor_for(user)
    if not actor.casework_organisation_ids:
        return Referral.objects.none()
    return Referral.objects.filter(_delivery_q(actor.casework_organisation_ids, actor.initiative_ids))


def referral_worklist(*, user: User, status: str = "open") -> QuerySet[Referral]:
    """The referrals sent to the user's organisations: new ones first, then newest first. `status` is a
    ReferralStatus, "open" (new and accepted) or "all". A fixed number of queries for any page of it."""
    qs = referral_list_received(user=user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_REFERRAL_STATUSES)
    elif status in ReferralStatus.values:
        qs = qs.filter(status=status)
    return (
        qs.annotate(
            new_first=Case(
                When(status=ReferralStatus.SENT, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related(
            "referring_organisation", "delivery_organisation", "basis", "case__person", "case__household"
        )
        .prefetch_related(NEEDS, "basis__organisations")
        .order_by("new_first", "-sent_at", "-id")
    )


def referral_list_for_user(
    *, user: User, pager: Pager, status: str = "open", purpose: str = "viewed"
) -> tuple[Shown[Referral], list[WorklistRow]]:
    """The page of the user's worklist that `pager` asks for, and its rows as each side may see them. When it
    shows any, one AccessEvent "referrals.worklist_<purpose>" names the referrals on the page and those whose
    person's name showed."""
    shown = pager.cut(referral_worklist(user=user, status=status))
    rows = worklist_rows(shown.rows)
    if rows:
        access_record(
            user=user,
            verb=f"referrals.worklist_{purpose}",
            details={
                "referrals": [row.id for row in rows],
                "names_shown": [row.id for row in rows if row.subject_name],
            },
        )
    return shown, rows


def _full(qs: QuerySet[Referral]) -> QuerySet[Referral]:
    changes = NeedStatusChange.objects.select_related("organisation", "changed_by").order_by(
        "changed_at", "id"
    )
    needs = (
        Need.objects.select_related("definition")
        .prefetch_related(Prefetch("status_changes", queryset=changes))
        .order_by("created_at", "id")
    )
    return qs.select_related(
        "referring_organisation",
        "delivery_organisation",
        "basis",
        "sent_by",
        "responded_by",
        "plan_recorded_by",
        "closed_by",
    ).prefetch_related(
        Prefetch("needs", queryset=needs),
        "basis__organisations",
        Prefetch(
            "actions",
            queryset=ReferralAction.objects.select_related("recorded_by", "organisation").order_by(
                "occurred_on", "id"
            ),
        ),
    )


def referral_list_for_case(*, user: User, case: CaseModel) -> QuerySet[Referral]:
    """The case's referrals, newest first, with their needs (and the needs' history), actions and basis; none
    unless the user may open the case. A fixed number of queries."""
    if not has_perm(user, "cases.view_case", case):
        return Referral.objects.none()
    return _full(Referral.objects.filter(case=case)).order_by("-sent_at", "-id")


def referrals_for_case_page(*, user: User, case: CaseModel, limit: int = 50) -> list[Referral]:
    """The case's referrals as referral_list_for_case gives them, newest first, for the case's own page: the
    basis joined, the case given, and the organisations and users they name read in one query each (joined,
    the nine-table query cost PostgreSQL 4 ms of planning even for a case with no referrals)."""
    referrals = list(
        referral_list_for_case(user=user, case=case).select_related(None).select_related("basis")[:limit]
    )
    for referral in referrals:
        referral.case = case
    fill_foreign_keys(
        referrals,
        "referring_organisation",
        "delivery_organisation",
        "sent_by",
        "responded_by",
        "plan_recorded_by",
        "closed_by",
    )
    return referrals


def referral_get_for_user(*, user: User, referral_id: int, purpose: str = "viewed") -> Referral:
    """A referral the user may open, else Http404, with `side` set: "responsible" for those who may open
    its case, "delivery" for the organisation it was sent to.

    Writes an AccessEvent "referrals.referral_<purpose>" naming the side and the data shared with it now.
    """

    referral = (
        _full(referral_list_visible(user=user))
        .select_related("case__person", "case__household")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise Http404("No referral found")
    referral.side = "responsible" if has_perm(user, "cases.view_case", referral.case) else "delivery"
    if referral.case.person_id:
        person_names_reveal(user=user, people=[referral.case.person])
    access_record(
        user=user,
        verb=f"referrals.referral_{purpose}",
        obj=referral,
        case_id=referral.case_id,
        person_id=referral.case.person_id,
        details={"side": referral.side, "shared": sorted(shared_categories(referral))},
    )
    return referral


def referral_needs_referable(*, case: CaseModel) -> QuerySet[Need]:
    """The case's needs that may be referred: not finished with, and not out on an open referral."""

    return (
        Need.objects.filter(case=case)
        .exclude(status__in=FINISHED_NEED_STATUSES)
        .exclude(referrals__status__in=OPEN_REFERRAL_STATUSES)
        .select_related("definition")
        .order_by("created_at", "id")
        .distinct()
    )


def delivery_organisations_for(*, initiative_id: int, exclude_id: int | None = None) -> list[Organisation]:
    """The initiative's delivery organisations, by name (`kinds` is a JSON list: filtered here, as
    accounts does)."""
    return [
        org
        for org in Organisation.objects.filter(initiative_id=initiative_id).order_by("name")
        if "delivery" in (org.kinds or []) and org.pk != exclude_id
    ]


def referral_refresh(*, referral: Referral) -> Referral:
    """The referral read again after a change, with everything referral_get_for_user loads (no
    AccessEvent: the caller's read already wrote one)."""
    fresh = (
        _full(Referral.objects.filter(pk=referral.pk)).select_related("case__person", "case__household").get()
    )
    fresh.side = getattr(referral, "side", "delivery")
    if fresh.case.person is not None and referral.case.person_id:
        fresh.case.person.name_revealed = getattr(referral.case.person, "name_revealed", False)
    return fresh


def case_has_referrals_expression() -> Exists:
    """Whether a case has any referral, as an expression on its row (read with the case by its page)."""
    return Exists(Referral.objects.filter(case_id=OuterRef("pk")))


def referrals_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        ("referrals", model_rows(Referral.objects.filter(case__person_id=person_id))),
        ("referral_actions", model_rows(ReferralAction.objects.filter(referral__case__person_id=person_id))),
    ]
