"""Case pages: my cases, the team worklist, the case index, the case and its actions, raising a case.

Thin: each page reads through selectors, writes through services and asks the policies what to offer.
A DomainError is shown to the user (error summary or notification); a refused permission is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casework.accounts.selectors import (
    actor_for,
    user_list_assignable,
)
from casework.allocation import selectors as allocation_selectors
from casework.assessments.selectors import needs_open_on_case
from casework.cases import closing, gates, lifecycle, selectors, services, workspace
from casework.cases.choices import CaseStatus
from casework.cases.closing import outcome_label
from casework.cases.forms import (
    CaseCloseForm,
    CaseIndexFilterForm,
    CaseRaiseForm,
    OutcomeAddForm,
    RestartForm,
    StageMoveForm,
    StatusChangeForm,
    WorkerAddForm,
    WorkerRemoveForm,
)
from casework.cases.header import STATUS_PAGES
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import limits
from casework.core.pages import list_filter_data, render_list, run_action_service
from casework.core.pages import require_page_perm as _require
from casework.core.pages import run_form_service as _run
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.people import selectors as people_selectors

MY_CASES_PAGE_SIZE = 25
INDEX_PAGE_SIZE = 50

# The audit verbs of a case in plain English, for the timeline.
EVENT_WORDS = {
    "cases.case_raised": "Raised",
    "cases.case_allocated": "Allocated to a responsible organisation",
    "cases.case_accepted": "Accepted",
    "cases.closed": "Closed",
    "cases.worker_assigned": "Worker assigned",
    "cases.worker_reassigned": "Worker reassigned",
    "cases.responsibility_transferred": "Transferred to another organisation",
    "cases.stage_moved": "Moved on",
    "cases.stage_went_back": "Went back to amend",
    "cases.restarted": "Restarted",
    "cases.status_active": "Resumed",
    "cases.status_on_hold": "Put on hold",
    "cases.status_finished": "Finished",
    "cases.status_cancelled": "Cancelled",
    "cases.worker_added": "Worker added",
    "cases.worker_removed": "Worker removed",
    "cases.note_added": "Note added",
}

# Helpers: refusals, pagination, and what the user may do.


def _case(request, case_id: int, purpose: str = "viewed") -> Case:
    return selectors.case_get_for_user(user=request.user, case_id=case_id, purpose=purpose)


def _action_page(request, case: Case, form, **context):
    context.setdefault("submit_label", "Continue")
    return render(request, "cases/case_action.html", {"case": case, "form": form, **context})


def _stage_choices(case: Case, progress: list | None = None) -> list[tuple[str, str]]:
    """The stages the case may move to now, forward or back, labelled for the radios."""
    return [
        (stage, f"{'Go back to amend' if back else 'Move to'} {lifecycle.label(stage)}")
        for stage, back in selectors.case_stage_moves(case=case, progress=progress)
    ]


def _restart_choices(case: Case) -> list[tuple[str, str]]:
    return [
        (stage, lifecycle.label(stage))
        for stage in lifecycle.WORK_STAGES
        if lifecycle.restart_problem(case.stage, stage) is None
    ]


def _event_words(event) -> str:
    words = EVENT_WORDS.get(event.verb) or event.verb.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    stage = (event.changes or {}).get("stage", {}).get("after") if isinstance(event.changes, dict) else None
    if event.verb in ("cases.stage_moved", "cases.stage_went_back", "cases.restarted") and stage:
        words = {
            "cases.stage_moved": "Moved to",
            "cases.stage_went_back": "Went back to amend",
            "cases.restarted": "Restarted from",
        }[event.verb] + f" {lifecycle.label(stage)}"
    return words


# Lists.


def my_cases(request):
    if not has_perm(request.user, "cases.list_my_cases"):
        raise PermissionDenied("My cases is for people who work on cases or oversee them.")
    shown = allocation_selectors.case_list_for_user(
        user=request.user, pager=Pager.of_request(request, MY_CASES_PAGE_SIZE), scope="mine"
    )
    for case in shown.rows:
        case.next_step = lifecycle.NEXT_STEP[case.stage]
    return render(request, "cases/my_cases.html", {"page": shown.page, "page_range": shown.page_range})


def case_index(request):
    user = request.user
    actor = actor_for(user)
    if not (
        actor.lead_of_initiative_ids or actor.casework_organisation_ids or actor.auditing_organisation_ids
    ):
        raise PermissionDenied("The case index is for the lead organisation and people who work on cases.")
    form = CaseIndexFilterForm(
        list_filter_data(request, "newest"), risk_categories=selectors.risk_categories_for_user(user=user)
    )
    form.is_valid()
    data = form.cleaned_data
    shown = allocation_selectors.case_list_for_user(
        user=user,
        pager=Pager.of_request(request, INDEX_PAGE_SIZE),
        scope="index",
        filters=form.filters(default_sort="newest"),
        status=data.get("status") or "",
        unallocated_only=bool(data.get("unallocated_only")),
    )
    for case in shown.rows:
        case.can_view = has_perm(user, "cases.view_case", case)
        # The index offers allocation for unallocated cases only; the case page offers allocating again.
        case.can_allocate = case.responsible_organisation_id is None and has_perm(
            user, "allocation.allocate_case", case
        )
        case.can_transfer = has_perm(user, "allocation.transfer_case", case)
    return render_list(
        request,
        "cases/case_index.html",
        "cases/_case_index_results.html",
        {
            "form": form,
            "page": shown.page,
            "page_range": shown.page_range,
            "can_allocate_all": has_perm(user, "allocation.manage_allocation_rules"),
            "can_export_organisation": has_perm(user, "reporting.export_case_snapshot", "organisation"),
            "can_export_initiative": has_perm(user, "reporting.export_case_snapshot", "initiative"),
        },
    )


# One case.


def case_detail(request, case_id: int):
    """/cases/<id>/: the case opens at the section its stage is at (cases/workspace.py)."""
    return workspace.case_workspace(request, case_id)


def _overview_url(case: Case) -> str:
    return reverse("cases:case_overview", args=[case.pk])


def overview_context(request, case: Case, header: dict) -> dict:
    """The overview section: what is next, the stages as a task list (move on, go back, restart), the case's
    details, responsibility and workers. The workers come with the header."""
    user = request.user
    # Every stage progress row, read once: the task list, the moves offered and the reset history.
    progress = selectors.case_stage_progress(case=case)
    can_work = header["can_work"]
    can_manage_workers = has_perm(user, "cases.manage_workers_case", case)
    stages = _stage_choices(case, progress) if can_work else []
    worker_form = None
    if can_manage_workers:
        users = user_list_assignable(
            organisation_id=holding_organisation_id(case), team_id=case.allocated_team_id
        ).exclude(pk__in=[assignment.user_id for assignment in header["current_workers"]])
        worker_form = WorkerAddForm(initial={"version": case.version}, users=users, auto_id="worker-%s")
    return {
        "next_step": lifecycle.NEXT_STEP[case.stage],
        "steps": selectors.case_stage_steps(case=case, progress=progress),
        "move_form": StageMoveForm(initial={"version": case.version}, stages=stages, auto_id="move-%s")
        if stages
        else None,
        "can_work": can_work,
        "can_restart": can_work and case.status == CaseStatus.ACTIVE and bool(_restart_choices(case)),
        "resets": selectors.case_reset_history(case=case, progress=progress),
        "current_workers": header["current_workers"],
        "past_workers": header["past_workers"],
        "can_manage_workers": can_manage_workers,
        "worker_form": worker_form,
        "outcome_label": _outcome_label(case),
    }


def timeline_context(request, case: Case, header: dict) -> dict:
    """The timeline section: everything recorded about the case, and the other cases about its subject."""
    timeline = selectors.case_timeline(case=case)
    for event in timeline:
        event.words = _event_words(event)
    return {"timeline": timeline, "history": selectors.case_history_for_subject(user=request.user, case=case)}


def _outcome_label(case: Case) -> str:
    return outcome_label(initiative_id=case.initiative_id, code=case.outcome) if case.outcome else ""


def case_move_stage(request, case_id: int):
    case = _case(request, case_id, purpose="opened_for_change")
    _require(
        request.user, "cases.work_case", case, "Only the case's workers and team managers can change it."
    )
    stages = _stage_choices(case)
    # The warnings of the stage asked for (cases/gates.py), offered as checkboxes to acknowledge.
    wanted = request.POST.get("stage") or request.GET.get("stage") or ""
    warnings = gates.stage_warnings(case=case, stage=wanted) if wanted in dict(stages) else []
    form = StageMoveForm(
        request.POST or None,
        stages=stages,
        warnings=warnings,
        initial={"version": case.version, "stage": request.GET.get("stage")},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: services.case_move_stage(
                user=request.user,
                case=case,
                stage=d["stage"],
                note=d["note"],
                version=d["version"],
                acknowledged=d.get("acknowledge") or (),
            ),
            lambda: f"The case is now at {lifecycle.label(case.stage)}.",
        )
    ):
        return redirect(_overview_url(case))
    return _action_page(
        request,
        case,
        form,
        heading="Move the case to another stage",
        submit_label="Move the case",
        intro=f"The case is at {lifecycle.label(case.stage)}."
        if stages
        else "The case cannot move to another stage now.",
        warning=f"Check before moving the case to {lifecycle.label(wanted)}: the case can move on, but "
        "tick each warning to confirm you have considered it."
        if warnings
        else "",
    )


def case_restart(request, case_id: int):
    case = _case(request, case_id, purpose="opened_for_change")
    _require(
        request.user, "cases.work_case", case, "Only the case's workers and team managers can change it."
    )
    form = RestartForm(request.POST or None, stages=_restart_choices(case), initial={"version": case.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: services.case_restart_from(
                user=request.user, case=case, stage=d["stage"], reason=d["reason"], version=d["version"]
            ),
            lambda: f"The work restarts from {lifecycle.label(case.stage)}.",
        )
    ):
        return redirect(_overview_url(case))
    return _action_page(
        request,
        case,
        form,
        heading="Restart from a stage",
        submit_label="Restart the work",
        button_class="govuk-button--warning",
        warning="The progress recorded at that stage and every later stage will be reset. "
        "It stays on the record, but the work must be done again.",
    )


def case_change_status(request, case_id: int, status: str):
    page = STATUS_PAGES.get(status)
    if page is None:
        raise Http404("No such status")
    case = _case(request, case_id, purpose="opened_for_change")
    _require(
        request.user, "cases.work_case", case, "Only the case's workers and team managers can change it."
    )
    form = StatusChangeForm(
        request.POST or None,
        initial={"version": case.version},
        reason_label=page["reason_label"],
        reason_hint=page.get("reason_hint", ""),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: services.case_change_status(
                user=request.user, case=case, status=status, reason=d["reason"], version=d["version"]
            ),
            page["success"],
        )
    ):
        return redirect(_overview_url(case))
    return _action_page(
        request,
        case,
        form,
        heading=page["heading"],
        submit_label=page["submit"],
        warning=page.get("warning", ""),
        button_class=page.get("button_class", ""),
    )


def case_worker_add(request, case_id: int):
    case = _case(request, case_id, purpose="opened_for_change")
    _require(
        request.user,
        "cases.manage_workers_case",
        case,
        "Only the primary worker and team managers can add workers.",
    )
    current = selectors.case_assignments(case=case)
    users = user_list_assignable(organisation_id=holding_organisation_id(case)).exclude(
        pk__in=[assignment.user_id for assignment in current]
    )
    form = WorkerAddForm(request.POST or None, users=users, initial={"version": case.version})
    # case_add_worker takes no version: adding twice is refused by the service, so a stale page is harmless.
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: services.case_add_worker(
                user=request.user, case=case, worker=d["user"], role=d["role"]
            ),
            lambda: f"{form.cleaned_data['user'].display_name} has been added to the case.",
        )
    ):
        return redirect(_overview_url(case))
    return _action_page(request, case, form, heading="Add a worker", submit_label="Add the worker")


@require_POST
def case_worker_remove(request, case_id: int, user_id: int):
    case = _case(request, case_id, purpose="opened_for_change")
    _require(
        request.user,
        "cases.manage_workers_case",
        case,
        "Only the primary worker and team managers can remove workers.",
    )
    assignment = next((a for a in selectors.case_assignments(case=case) if a.user_id == user_id), None)
    if assignment is None:
        raise Http404("That person is not working on this case")
    form = WorkerRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Check the case and try again.")
    else:
        run_action_service(
            request,
            lambda: services.case_remove_worker(
                user=request.user, case=case, worker=assignment.user, reason=form.cleaned_data["reason"]
            ),
            f"{assignment.user.display_name} has been removed from the case.",
        )
    return redirect(_overview_url(case))


# Raising a case.


def _subject(request):
    """The person or household the case is about, from ?person= or ?household=; 404 if not visible."""
    for key, load in (
        ("person", people_selectors.person_get_for_user),
        ("household", people_selectors.household_get_for_user),
    ):
        value = request.GET.get(key, "")
        if value:
            if not limits.id_from(value):
                raise Http404(f"No {key} found")
            if key == "person":
                return load(user=request.user, person_id=int(value), purpose="opened_for_case"), None
            return None, load(user=request.user, household_id=int(value))
    return None, None


def case_raise(request):
    _require(request.user, "cases.raise_case", message="You need a casework role to raise cases.")
    person, household = _subject(request)
    subject = person or household
    if subject is None:
        messages.info(request, "Find the person first, then raise a case from their record.")
        return redirect("people:person_search")
    form = CaseRaiseForm(
        request.POST or None,
        risk_categories=selectors.risk_categories_for(initiative_id=subject.initiative_id),
    )
    raised = []
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: raised.append(
                services.case_raise(
                    user=request.user,
                    person=person,
                    household=household,
                    origin=d["origin"],
                    risk_category=d["risk_category"],
                    priority=d["priority"],
                    summary=d["summary"],
                    responsible_now=d["responsible_now"],
                )
            ),
            lambda: f"Case {raised[0].reference} has been raised.",
        )
    ):
        return redirect(raised[0])
    return render(
        request,
        "cases/case_raise.html",
        {"form": form, "subject": subject, "person": person, "household": household},
    )


def case_close(request, case_id: int):
    case = _case(request, case_id, purpose="opened_for_change")
    _require(request.user, "cases.work_case", case, "Only the case's workers and team managers can close it.")
    form = CaseCloseForm(
        request.POST or None,
        initial={"version": case.version},
        outcomes=closing.outcome_list(initiative_id=case.initiative_id),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda d: closing.case_close(
                user=request.user,
                case=case,
                outcome=d["outcome"],
                note=d["note"],
                recontact_on=d["recontact_on"],
                version=d["version"],
            ),
            "The case is closed.",
        )
    ):
        return redirect(_overview_url(case))
    open_needs = needs_open_on_case(case=case)
    warning = (
        "Update these needs before closing: "
        + ", ".join(f"{n.definition.name} ({n.get_status_display().lower()})" for n in open_needs)
        + "."
        if open_needs
        else "A closed case cannot be reopened. If more work is needed later, raise a new case."
    )
    return _action_page(
        request,
        case,
        form,
        heading="Close the case",
        submit_label="Close the case",
        intro="Choose the outcome. If the person should hear from us again, set a date.",
        warning=warning,
    )


def _outcome_initiative_id(user) -> int:
    for initiative_id in sorted(actor_for(user).lead_of_initiative_ids):
        if has_perm(user, "cases.manage_outcomes", initiative_id):
            return initiative_id
    raise PermissionDenied(
        "Only the lead organisation's initiative admins keep the list of closing outcomes."
    )


def case_outcomes(request):
    """The initiative's closing outcomes: add one, retire or reinstate one (initiative admins)."""

    initiative_id = _outcome_initiative_id(request.user)
    form = OutcomeAddForm(request.POST or None if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "add":
            if form.is_valid() and _run(
                request,
                form,
                lambda d: closing.case_outcome_add(
                    user=request.user,
                    initiative_id=initiative_id,
                    code=d["code"],
                    label=d["label"],
                    description=d["description"],
                ),
                lambda: f"‘{form.cleaned_data['label']}’ has been added.",
            ):
                return redirect("cases:case_outcomes")
        else:
            retire = request.POST.get("action") == "retire"
            run_action_service(
                request,
                lambda: closing.case_outcome_set_retired(
                    user=request.user,
                    initiative_id=initiative_id,
                    code=request.POST.get("code", ""),
                    retired=retire,
                ),
                "The outcome has been " + ("retired." if retire else "reinstated."),
            )
            return redirect("cases:case_outcomes")
    return render(
        request,
        "cases/case_outcomes.html",
        {"outcomes": closing.outcome_list(initiative_id=initiative_id, include_retired=True), "form": form},
    )
