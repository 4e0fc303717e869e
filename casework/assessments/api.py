"""Need definitions in the API (read): the common list every partner records needs against."""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from casework.assessments import selectors

router = Router(tags=["assessments"])


class NeedDefinitionOut(Schema):
    id: int
    initiative_id: int
    code: str
    name: str
    description: str
    category: str
    retired_at: datetime.datetime | None


@router.get("/need-definitions", response=list[NeedDefinitionOut],
            summary="The need definitions of your initiatives (retired ones with include_retired=true)")
def need_definitions(request, include_retired: bool = False):
    return list(selectors.need_definition_list_for_user(user=request.user, include_retired=include_retired)
                .order_by("initiative_id", "category", "name")[:1000])
