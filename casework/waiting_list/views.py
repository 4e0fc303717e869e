"""Waiting list pages: the team manager's list (filters, counts, CSV), triage and reprioritising on a case,
and the organisation admin's allocation timescales."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render

from casework.accounts.models import Team
from casework.accounts.pages import admin_organisation_id
from casework.accounts.selectors import actor_for, user_list_assignable
from casework.cases.choices import Priority
from casework.cases.selectors import case_get_for_user
from casework.core import clock
from casework.core.pages import require_page_perm, run_form_service
from casework.core.querysets import Pager
from casework.waiting_list import selectors, services
from casework.waiting_list.choices import DEFAULT_WORKING_DAYS, ListKind
from casework.waiting_list.forms import (
    ReprioritiseForm,
    TimescaleForm,
    TriageForm,
    WaitingFilterForm,
    WaitingSettingsForm,
)


def _filters(request):
    actor = actor_for(request.user)

    teams = Team.objects.filter(organisation_id__in=actor.casework_organisation_ids).order_by("name")
    form = WaitingFilterForm(request.GET or None, teams=teams)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.WaitingFilters(
        list_kind=data.get("list_kind", ""),
        priority=data.get("priority", ""),
        rag=data.get("rag", ""),
        team_id=data.get("team"),
        area=data.get("area", ""),
        due=data.get("due", ""),
    )
    return form, filters


def _decorate(entries, today):
    soon = selectors.due_soon_limit(today)
    for entry in entries:
        entry.days_waiting = (today - entry.received_on).days
        entry.overdue = entry.due_on < today
        entry.due_soon = not entry.overdue and entry.due_on <= soon
    return entries


def waiting_list(request):
    require_page_perm(
        request.user, "waiting_list.view_waiting_list", message="Waiting lists are for caseworkers."
    )
    form, filters = _filters(request)
    counts = selectors.waiting_counts(selectors.waiting_list_filtered(user=request.user, filters=filters))
    shown = selectors.waiting_list_for_user(
        user=request.user, pager=Pager.of_request(request, 50, count=counts["total"]), filters=filters
    )
    _decorate(shown.rows, clock.today())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "waiting_list/waiting_list.html",
        {
            "form": form,
            "page": shown.page,
            "page_range": shown.page_range,
            "counts": counts,
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def waiting_list_export(request):
    """The filtered list as CSV, streamed a row at a time; the download is recorded."""
    require_page_perm(
        request.user, "waiting_list.view_waiting_list", message="Waiting lists are for caseworkers."
    )
    _form, filters = _filters(request)
    qs = selectors.waiting_list_export_for_user(user=request.user, filters=filters)
    today = clock.today()
    header = [
        "case",
        "name",
        "list",
        "priority",
        "rag",
        "crisis",
        "received_on",
        "due_on",
        "days_waiting",
        "overdue",
        "team",
        "area",
    ]

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for entry in qs.iterator(chunk_size=2000):
            case = entry.case
            yield writer.writerow(
                [
                    case.reference,
                    case.subject_name,
                    entry.list_kind,
                    entry.priority,
                    entry.rag,
                    "yes" if entry.crisis else "no",
                    entry.received_on.isoformat(),
                    entry.due_on.isoformat(),
                    (today - entry.received_on).days,
                    "yes" if entry.due_on < today else "no",
                    entry.team.name if entry.team_id else "",
                    entry.area,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="waiting-list-{today.isoformat()}.csv"'
    return response


def _case(request, case_id: int):
    return case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")


def waiting_list_add(request, case_id: int):
    case = _case(request, case_id)
    require_page_perm(request.user, "waiting_list.triage_case", case, services.REFUSED)
    form = TriageForm(request.POST or None, initial={"priority": case.priority})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.waiting_list_add(
                user=request.user,
                case=case,
                list_kind=d["list_kind"],
                priority=d["priority"],
                rag=d["rag"],
                rag_reason=d["rag_reason"],
                crisis=d["crisis"],
                can_report_changes=d["can_report_changes"],
                received_on=d["received_on"],
            ),
            lambda: (
                f"{case.reference} is on the list: {ListKind(form.cleaned_data['list_kind']).label.lower()}."
            ),
        )
    ):
        return redirect("cases:case_waiting", case.pk)
    return render(request, "waiting_list/triage.html", {"case": case, "form": form})


def waiting_list_reprioritise(request, entry_id: int):
    entry = selectors.waiting_entry_get_for_user(
        user=request.user, entry_id=entry_id, purpose="opened_for_change"
    )
    require_page_perm(request.user, "waiting_list.triage_case", entry.case, services.REFUSED)
    form = ReprioritiseForm(
        request.POST or None,
        initial={
            "priority": entry.priority,
            "rag": entry.rag,
            "crisis": entry.crisis,
            "version": entry.version,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.waiting_list_reprioritise(
                user=request.user,
                entry=entry,
                version=d["version"],
                priority=d["priority"],
                rag=d["rag"],
                reason=d["reason"],
                trigger=d["trigger"],
                crisis=d["crisis"],
            ),
            lambda: f"{entry.case.reference} is now due on {entry.due_on:%-d %B %Y}.",
        )
    ):
        return redirect("cases:case_waiting", entry.case_id)
    return render(
        request,
        "waiting_list/reprioritise.html",
        {
            "entry": entry,
            "case": entry.case,
            "form": form,
            "history": selectors.reprioritisations_for(entry=entry),
        },
    )


def timescales(request):
    organisation_id = admin_organisation_id(
        request.user, "Only your organisation's admins set its timescales."
    )
    set_days = selectors.timescales_for(organisation_id=organisation_id)
    current = {
        (kind, priority): set_days.get((kind, priority), DEFAULT_WORKING_DAYS[priority])
        for kind in ListKind.values
        for priority in Priority.values
    }
    settings_row = services.waiting_settings_for(organisation_id=organisation_id)

    contacts = list(user_list_assignable(organisation_id=organisation_id))
    is_settings = request.method == "POST" and request.POST.get("form") == "settings"
    settings_form = WaitingSettingsForm(
        request.POST if is_settings else None,
        contacts=contacts,
        initial={
            "escalation_contact": settings_row.escalation_contact_id,
            "second_level_working_days": settings_row.second_level_working_days,
            "still_waiting_letter_days": settings_row.still_waiting_letter_days,
            "active_review_days": settings_row.active_review_days,
        },
    )
    if is_settings:
        if settings_form.is_valid() and run_form_service(
            request,
            settings_form,
            lambda d: services.waiting_settings_save(user=request.user, organisation_id=organisation_id, **d),
            "The waiting list settings have been saved.",
        ):
            return redirect("waiting_list:timescales")
        form = TimescaleForm(None, current=current)
        return render(
            request,
            "waiting_list/timescales.html",
            {"form": form, "rows": form.bound_rows(), "settings_form": settings_form},
        )
    form = TimescaleForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():

        def save(data):
            for (kind, priority), days in current.items():
                new = data[f"{kind}__{priority}"]
                if new != days:
                    services.timescale_set(
                        user=request.user,
                        organisation_id=organisation_id,
                        list_kind=kind,
                        priority=priority,
                        working_days=new,
                    )

        if run_form_service(request, form, save, "The timescales have been saved."):
            return redirect("waiting_list:timescales")
    return render(
        request,
        "waiting_list/timescales.html",
        {"form": form, "rows": form.bound_rows(), "settings_form": settings_form},
    )
