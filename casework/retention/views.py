"""Pages of retention: the dry runs (status, what would go and why, appraisal, disposal), the schedule of
record classes, legal holds and what has been disposed of."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.retention import forms, selectors, services
from casework.retention.choices import RunStatus

GOVERN = services.GOVERN
SCHEDULE = services.SCHEDULE


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_http_methods(["GET"])
def run_list(request):
    require_page_perm(request.user, GOVERN)
    organisation = selectors.organisation_for_user(user=request.user)
    shown = selectors.run_list_for_user(user=request.user, pager=Pager.of_request(request))
    return render(
        request,
        "retention/run_list.html",
        {"organisation": organisation, "page": shown.page, "page_range": shown.page_range},
    )


@require_POST
def run_start(request):
    require_page_perm(request.user, GOVERN)
    organisation = selectors.organisation_for_user(user=request.user)
    made = []
    if run_action_service(
        request,
        lambda: made.append(services.dry_run_start(user=request.user, organisation_id=organisation.pk)),
        "Dry run started: this page shows its progress",
    ):
        return redirect(made[0])
    return redirect("retention:run_list")


def _run(request, disposal_run_id: int):
    run = selectors.run_get_for_user(user=request.user, run_id=disposal_run_id)
    require_page_perm(request.user, GOVERN, run.organisation_id)
    return run


@require_http_methods(["GET"])
def run_detail(request, disposal_run_id: int):
    run = _run(request, disposal_run_id)
    return _detail(request, run)


def _detail(request, run, form=None, status: int = 200):
    shown = selectors.candidate_list_for_run(run=run, pager=Pager.of_request(request, size=50))
    if form is None and run.dry_run:
        form = forms.AppraisalForm()
    appraisable = [c for c in shown.rows if getattr(c, "appraisal", None) is None]
    return render(
        request,
        "retention/run_detail.html",
        {
            "run": run,
            "page": shown.page,
            "page_range": shown.page_range,
            "form": form,
            "appraisable": appraisable,
            "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        },
        status=status,
    )


@require_http_methods(["GET"])
def run_status(request, disposal_run_id: int):
    """The run's status and progress: the part of its page that refreshes while it runs."""
    run = _run(request, disposal_run_id)
    return render(
        request,
        "retention/_run_status.html",
        {"run": run, "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)},
    )


@require_http_methods(["GET"])
def run_csv(request, disposal_run_id: int):
    """What the dry run found due and why, as CSV (the download is recorded)."""
    run = _run(request, disposal_run_id)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in selectors.candidates_csv_rows(user=request.user, run=run)),
        content_type="text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="retention-dry-run-{run.pk}.csv"'
    return response


@require_POST
def run_appraise(request, disposal_run_id: int):
    run = _run(request, disposal_run_id)
    form = forms.AppraisalForm(request.POST)
    if form.is_valid() and run_form_service(
        request,
        form,
        lambda d: services.appraisal_record(
            user=request.user,
            run=run,
            candidates=list(selectors.candidate_list(run=run).filter(pk__in=d["candidates"])),
            decision=d["decision"],
            reason=d["reason"],
            review_on=d["review_on"],
        ),
        "Appraisal recorded",
    ):
        return redirect(run)
    return _detail(request, run, form=form)


@require_POST
def run_dispose(request, disposal_run_id: int):
    run = _run(request, disposal_run_id)
    made = []
    if run_action_service(
        request,
        lambda: made.append(services.disposal_run_start(user=request.user, source_run=run)),
        "Disposal started: this page shows its progress",
    ):
        return redirect(made[0])
    return redirect(run)


@require_http_methods(["GET"])
def schedule(request):
    require_page_perm(request.user, GOVERN)
    organisation = selectors.organisation_for_user(user=request.user)
    return render(
        request,
        "retention/schedule.html",
        {
            "organisation": organisation,
            "classes": selectors.record_class_list_for_organisation(organisation_id=organisation.pk),
            "can_change": has_perm(request.user, SCHEDULE, organisation.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def class_edit(request, class_id: int):
    record_class = selectors.record_class_get_for_user(user=request.user, class_id=class_id)
    organisation = selectors.organisation_for_user(user=request.user, schedule=True)
    require_page_perm(request.user, SCHEDULE, organisation.pk)
    initial = {
        "version": record_class.version,
        "name": record_class.name,
        "period": record_class.period,
        "period_unit": record_class.period_unit,
        "action": record_class.action,
    }
    form = forms.RecordClassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_form_service(
            request,
            form,
            lambda d: services.record_class_change(
                user=request.user, organisation_id=organisation.pk, record_class=record_class, **d
            ),
            "Retention schedule changed",
        ):
            return redirect("retention:schedule")
    return render(
        request,
        "retention/class_edit.html",
        {"record_class": record_class, "organisation": organisation, "form": form},
    )


@require_http_methods(["GET"])
def hold_list(request):
    require_page_perm(request.user, GOVERN)
    shown = selectors.hold_list_for_user(user=request.user, pager=Pager.of_request(request))
    return render(request, "retention/hold_list.html", {"page": shown.page, "page_range": shown.page_range})


@require_http_methods(["GET", "POST"])
def hold_new(request):
    require_page_perm(request.user, GOVERN)
    organisation = selectors.organisation_for_user(user=request.user)
    form = forms.HoldPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_form_service(
            request,
            form,
            lambda d: services.hold_place(user=request.user, organisation_id=organisation.pk, **d),
            "Legal hold placed",
        ):
            return redirect("retention:hold_list")
    return render(request, "retention/hold_new.html", {"form": form, "organisation": organisation})


@require_http_methods(["GET", "POST"])
def hold_lift(request, hold_id: int):
    hold = selectors.hold_get_for_user(user=request.user, hold_id=hold_id)
    require_page_perm(request.user, GOVERN, hold.organisation_id)
    form = forms.HoldLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_form_service(
            request,
            form,
            lambda d: services.hold_lift(user=request.user, hold=hold, reason=d["reason"]),
            "Legal hold lifted",
        ):
            return redirect("retention:hold_list")
    return render(request, "retention/hold_lift.html", {"hold": hold, "form": form})


@require_http_methods(["GET"])
def tombstone_list(request):
    require_page_perm(request.user, GOVERN)
    shown = selectors.tombstone_list_for_user(user=request.user, pager=Pager.of_request(request))
    return render(
        request, "retention/tombstone_list.html", {"page": shown.page, "page_range": shown.page_range}
    )
