"""Reads of need definitions. They hold no personal data: anyone in the initiative reads its list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from casework.accounts.selectors import actor_for
from casework.assessments.models import NeedDefinition


def need_definition_list_for_user(*, user, include_retired: bool = False) -> QuerySet[NeedDefinition]:
    """The need definitions of the initiatives the user's organisations belong to."""
    qs = NeedDefinition.objects.filter(initiative_id__in=actor_for(user).initiative_ids)
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def need_definition_get_for_user(*, user, definition_id: int) -> NeedDefinition:
    """One definition of the user's initiatives, retired or not; Http404 otherwise."""
    definition = need_definition_list_for_user(user=user, include_retired=True).filter(pk=definition_id).first()
    if definition is None:
        raise Http404("No need definition found")
    return definition
