"""Pages of reviews: request, start, record, the two sign-offs, the person's copy (PDF), and the team reviews
worklist with its CSV. Shown in the case workspace's "Reviews" section (navigation.py). Thin: the forms check
shape, the services the rules."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.models import Team
from casework.accounts.pages import admin_organisation_id
from casework.accounts.selectors import actor_for
from casework.cases.selectors import case_get_for_user
from casework.core import clock
from casework.core.pages import require_page_perm, run_action_service, run_form_service
from casework.core.querysets import Pager
from casework.letters.rendering import html_to_pdf
from casework.reviews import selectors, services
from casework.reviews.forms import (
    PersonSignForm,
    ReviewActionForm,
    ReviewRecordForm,
    ReviewRequestForm,
    ReviewSettingsForm,
    WorklistFilterForm,
)
from casework.reviews.policies import WORKLIST_ROLES


def _back(case, review=None) -> str:
    return reverse("cases:case_reviews", args=[case.pk]) + (f"#review-{review.pk}" if review else "")


def _case(request, case_id: int, permission: str, message: str):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(request.user, permission, case, message)
    return case


def _review(request, case_id: int, review_id: int, permission: str, message: str):
    case = _case(request, case_id, permission, message)
    review = selectors.review_get_for_user(
        user=request.user, case=case, review_id=review_id, purpose="opened_for_change"
    )
    return case, review


def _page(request, template: str, case, status: int = 200, **context: Any):
    return render(request, f"reviews/{template}", {"case": case, **context}, status=status)


@require_http_methods(["GET", "POST"])
def review_request(request, case_id: int):
    """Record a review asked for by the person, a carer, a provider, or at the duty desk."""
    case = _case(request, case_id, "reviews.request_review_case", services.REFUSED_REQUEST)
    form = ReviewRequestForm(request.POST or None)
    made: list[Any] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: made.append(
                services.review_request(
                    user=request.user,
                    case=case,
                    requested_by=data["requested_by"],
                    requester_name=data["requester_name"],
                    reason=data["reason"],
                    details=data["details"],
                    priority=data["priority"],
                    rag=data["rag"],
                    rag_reason=data["rag_reason"],
                )
            ),
            lambda: (
                f"The review request is a task for {made[0].task.assignee_name}."
                if made[0].task is not None
                else "Nobody is allocated: the review request waits on the list for a review."
            ),
        )
    ):
        return redirect(_back(case, made[0].review))
    return _page(request, "review_request.html", case, form=form)


@require_POST
def review_start(request, case_id: int, review_id: int):
    """Start a due review (the advocacy gate applies)."""
    case, review = _review(request, case_id, review_id, "reviews.record_review_case", services.REFUSED_RECORD)
    form = ReviewActionForm(request.POST)
    if form.is_valid() and run_action_service(
        request,
        lambda: services.review_start(user=request.user, review=review, version=form.cleaned_data["version"]),
        "The review is started.",
    ):
        return redirect("reviews:review_record", case.pk, review.pk)
    return redirect(_back(case, review))


def _outcome_rows(review) -> list[dict[str, str]]:
    rows = list(review.outcomes)
    if not rows and review.plan_id:
        rows = [{"outcome": line.strip()} for line in review.plan.outcomes.splitlines() if line.strip()]
    return [*rows, {}]


@require_http_methods(["GET", "POST"])
def review_record(request, case_id: int, review_id: int):
    """Record what the review found; "Send for sign-off" with the decision finishes it."""
    case, review = _review(request, case_id, review_id, "reviews.record_review_case", services.REFUSED_RECORD)
    form = ReviewRecordForm(
        request.POST or None,
        outcomes=_outcome_rows(review),
        initial={
            "version": review.version,
            **{
                name: getattr(review, name)
                for name in (
                    "involved",
                    "working",
                    "not_working",
                    "changes_in_need",
                    "safeguarding",
                    "provider_helped",
                    "provider_name",
                    "decision",
                    "decision_reason",
                )
            },
        },
    )
    finished = "finish" in request.POST
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.review_record(
                user=request.user,
                review=review,
                version=data["version"],
                outcomes=form.outcome_list(),
                involved=data["involved"],
                working=data["working"],
                not_working=data["not_working"],
                changes_in_need=data["changes_in_need"],
                safeguarding=data["safeguarding"],
                provider_helped=data["provider_helped"],
                provider_name=data["provider_name"],
                decision=data["decision"],
                decision_reason=data["decision_reason"],
                finished=finished,
            ),
            "The review is sent for sign-off." if finished else "The review is saved.",
            fields={"outcomes": "outcome_0"},
        )
    ):
        return redirect(_back(case, review))
    return _page(request, "review_record.html", case, form=form, review=review)


def _signed_message(review, signed: str) -> str:
    if review.revised_plan_id is None:
        return signed
    return (
        f"{signed} The review is complete: version {review.revised_plan.number} of the support plan is a "
        "draft to change, sign and send for a manager's approval."
    )


@require_http_methods(["GET", "POST"])
def review_sign_authority(request, case_id: int, review_id: int):
    """The authority's sign-off."""
    case, review = _review(request, case_id, review_id, "reviews.sign_off_review_case", services.REFUSED_SIGN)
    form = ReviewActionForm(request.POST or None, initial={"version": review.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.review_sign_authority(
                user=request.user, review=review, version=data["version"]
            ),
            lambda: _signed_message(review, "The review is signed off for the authority."),
        )
    ):
        return redirect(_back(case, review))
    return _page(
        request,
        "review_sign_authority.html",
        case,
        form=form,
        review=review,
        outcomes=selectors.review_outcome_rows(review),
    )


@require_http_methods(["GET", "POST"])
def review_sign_person(request, case_id: int, review_id: int):
    """The person's sign-off, or the reason they could not sign."""
    case, review = _review(request, case_id, review_id, "reviews.record_review_case", services.REFUSED_RECORD)
    form = PersonSignForm(request.POST or None, initial={"version": review.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.review_sign_person(
                user=request.user,
                review=review,
                version=data["version"],
                signer=data["signer"],
                name=data["name"],
                reason=data["reason"],
            ),
            lambda: _signed_message(review, "The person's sign-off is recorded."),
        )
    ):
        return redirect(_back(case, review))
    return _page(request, "review_sign_person.html", case, form=form, review=review)


@require_GET
def review_copy(request, case_id: int, review_id: int):
    """The person's copy of the review, as a PDF letter: once the review is complete."""
    case = case_get_for_user(user=request.user, case_id=case_id)
    review = selectors.review_get_for_user(
        user=request.user, case=case, review_id=review_id, purpose="copied"
    )
    if review.status != "complete":
        return _page(request, "review_copy_not_ready.html", case, review=review, status=409)
    html = render_to_string(
        "reviews/review_copy_pdf.html",
        {
            "case": case,
            "review": review,
            "outcomes": selectors.review_outcome_rows(review),
            "today": clock.today(),
        },
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{case.reference}-{review.pk}.pdf"'
    return response


# --- The team reviews worklist ---


def _filters(request):
    organisations = actor_for(request.user).organisations_with_role(*WORKLIST_ROLES)
    teams = Team.objects.filter(organisation_id__in=organisations).order_by("name")
    form = WorklistFilterForm(request.GET or None, teams=teams)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.WorklistFilters(
        bucket=data.get("bucket", ""), team_id=data.get("team"), kind=data.get("kind", "")
    )


def _require_worklist(request) -> None:
    require_page_perm(request.user, "reviews.view_reviews_worklist", message=selectors.REFUSED_WORKLIST)


def worklist(request):
    """The team reviews worklist: due, overdue, in progress and awaiting sign-off, soonest due first."""
    _require_worklist(request)
    form, filters = _filters(request)
    counts = selectors.review_worklist_counts(user=request.user, filters=filters)
    shown = selectors.review_worklist_for_user(
        user=request.user, filters=filters, pager=Pager.of_request(request, 50)
    )
    today = clock.today()
    for review in shown.rows:
        review.overdue = review.due_on < today and review.status in ("due", "in_progress")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/worklist.html",
        {
            "form": form,
            "page": shown.page,
            "page_range": shown.page_range,
            "counts": counts,
            "buckets": selectors.BUCKETS,
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def worklist_export(request):
    """The filtered worklist as CSV; the download is recorded."""
    _require_worklist(request)
    _form, filters = _filters(request)
    rows = selectors.review_worklist_export_for_user(user=request.user, filters=filters)
    today = clock.today()
    header = ["case", "name", "kind", "reason", "status", "due_on", "overdue", "team", "reviewer"]

    def lines():
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for review in rows:
            case = review.case
            yield writer.writerow(
                [
                    case.reference,
                    case.subject_name,
                    review.kind,
                    review.reason,
                    review.status,
                    review.due_on.isoformat(),
                    "yes" if review.due_on < today and review.status in ("due", "in_progress") else "no",
                    case.allocated_team.name if case.allocated_team_id else "",
                    review.reviewer.display_name if review.reviewer_id else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reviews-{today.isoformat()}.csv"'
    return response


# --- The organisation's review intervals ---


@require_http_methods(["GET", "POST"])
def review_settings(request):
    """The organisation admin sets the review intervals; the daily sweep uses them from then on."""
    organisation_id = admin_organisation_id(request.user, selectors.REFUSED_SETTINGS)
    settings = selectors.review_settings_for(organisation_id=organisation_id)
    form = ReviewSettingsForm(request.POST or None, initial=ReviewSettingsForm.initial_from(settings))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.review_settings_set(
                user=request.user,
                organisation_id=organisation_id,
                version=data["version"],
                first_weeks=data["first_weeks"],
                every_months=data["every_months"],
                direct_payment_first_months=data["direct_payment_first_months"],
            ),
            "The review intervals have been saved: reviews made from now on use them.",
        )
    ):
        return redirect("reviews:review_settings")
    return render(request, "reviews/review_settings.html", {"form": form, "settings": settings})
