"""The case's crisis and enablement episodes, a section of the case workspace (cases/workspace.py)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from casework.accounts.models import User
from casework.cases.workspace import section_register
from casework.core.permissions import has_perm
from casework.plans.episode_selectors import case_episodes_get_for_user


def case_episodes_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    user = cast(User, request.user)  # every page needs a sign-in (core middleware)
    found = case_episodes_get_for_user(user=user, case=case)
    return {
        "episodes": found,
        "can_record_episode": case.is_open and has_perm(user, "plans.record_episode_case", case),
    }


section_register(
    "episodes",
    "Episodes",
    path="episodes",
    order=44,
    template="plans/episodes/case_section.html",
    context=case_episodes_context,
    shown=lambda user, case: has_perm(user, "plans.view_episodes_case", case),
)
