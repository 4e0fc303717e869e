"""The reviews worklist and the organisation admin's review intervals in the navigation, and the case's
"Reviews" section of the case workspace."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.workspace import section_register
from casework.core.navigation import nav_register
from casework.core.permissions import has_perm
from casework.reviews.selectors import (
    case_review_intervals,
    case_reviews_get_for_user,
    review_outcome_rows,
)


def case_reviews_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    user = cast(User, request.user)  # every page needs a sign-in (core middleware)
    reviews = case_reviews_get_for_user(user=user, case=case)
    for review in reviews:
        review.outcome_rows = review_outcome_rows(review)  # type: ignore[attr-defined]  # for the template
    return {
        "reviews": reviews,
        "review_intervals": case_review_intervals(case=case),
        "can_record_review": case.is_open and has_perm(user, "reviews.record_review_case", case),
        "can_sign_off_review": case.is_open and has_perm(user, "reviews.sign_off_review_case", case),
        "can_request_review": has_perm(user, "reviews.request_review_case", case),
    }


nav_register(
    "Reviews",
    "reviews:worklist",
    order=52,
    shown=lambda user: has_perm(user, "reviews.view_reviews_worklist"),
)
nav_register(
    "Review intervals",
    "reviews:review_settings",
    order=177,
    shown=lambda user: has_perm(user, "reviews.manage_settings"),
)
section_register(
    "reviews",
    "Reviews",
    path="reviews",
    order=48,
    template="reviews/case_section.html",
    context=case_reviews_context,
    shown=lambda user, case: has_perm(user, "reviews.view_review_case", case),
)
