# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""Safeguarding in the API: raise a concern (never blocked for caseworkers), read the ones you may see."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.contacts.selectors import contact_get_for_user
from casework.core import limits
from casework.core.api import (
    Id,
    InputSchema,
    SaidText,
    one_of,
)
from casework.core.errors import ValidationFailed
from casework.core.permissions import has_perm
from casework.people.selectors import person_get_for_user
from casework.referrals.selectors import referral_get_for_user
from casework.safeguarding import selectors, services
from casework.safeguarding.choices import AbuseType, AtRisk

router = Router(tags=["safeguarding"])


class ConcernIn(InputSchema):
    person_id: Id | None = Field(
        None, description="Required unless contact_id or referral_id names where it came from"
    )
    case_id: Id | None = None
    contact_id: Id | None = Field(
        None, description="The contact the concern was raised from (its case and person are the concern's)"
    )
    referral_id: Id | None = Field(
        None,
        description="The referral a delivery organisation raises it from "
        "(its case and the case's person are the concern's)",
    )
    at_risk: one_of(AtRisk)
    at_risk_name: str = Field("", max_length=200)
    what_happened: SaidText
    immediate_danger: bool
    called_999: bool = False
    abuse_types: list[one_of(AbuseType)] = Field(default_factory=list, max_length=limits.MAX_CHOSEN)


class ConcernOut(Schema):
    id: int
    person_id: int | None = Field(
        description="None to a raiser who may not open the person's record (a "
        "delivery organisation raising it from a referral)"
    )
    case_id: int | None
    organisation_id: int
    raised_by_organisation_id: int
    contact_id: int | None
    referral_id: int | None
    at_risk: str
    at_risk_name: str
    what_happened: str
    immediate_danger: bool
    called_999: bool
    abuse_types: list[str]
    routing: str = Field(
        description="own_team: the raiser's organisation's safeguarding team; lead_team: "
        "the lead organisation's (the raiser's has none); no_team: no team "
        "anywhere, the lead's managers and organisation admins were alerted"
    )
    routed_to_organisation_id: int
    routed_to_team_id: int | None
    routed_to: str = Field(description="Who received it, in words")
    routing_notice: str = Field(description="What the raiser is told of where it went")
    raised_at: datetime.datetime

    @staticmethod
    def resolve_routed_to(concern) -> str:
        return concern.routed_to_name


@router.post("", response={201: ConcernOut}, summary="Raise a safeguarding concern")
def raise_concern(request, payload: ConcernIn):
    case = person = contact = referral = None
    if payload.contact_id:
        contact = contact_get_for_user(
            user=request.user, contact_id=payload.contact_id, purpose="opened_for_change"
        )
        case, person = contact.case, contact.person
    elif payload.referral_id:
        referral = referral_get_for_user(
            user=request.user, referral_id=payload.referral_id, purpose="opened_for_change"
        )
        case, person = referral.case, referral.case.person
    if payload.case_id and (case is None or case.pk != payload.case_id):
        case = case_get_for_user(user=request.user, case_id=payload.case_id, purpose="opened_for_change")
    if payload.person_id and (person is None or person.pk != payload.person_id):
        person = person_get_for_user(
            user=request.user, person_id=payload.person_id, purpose="opened_for_change"
        )
    if person is None:
        raise ValidationFailed(
            "Say who the concern is about: person_id, or the contact_id or referral_id it came from",
            field="person_id",
        )
    data = payload.dict(exclude={"person_id", "case_id", "contact_id", "referral_id"})
    concern = services.concern_raise(
        user=request.user, person=person, case=case, contact=contact, referral=referral, **data
    )
    if referral is not None and not has_perm(request.user, "cases.view_case", case):
        # Raised from a referral by the delivery organisation: it is told where the concern went, never which
        # case or record it is on (a referral is not a relationship with the person).
        hidden = {"person_id": None, "case_id": None}
        return Status(201, ConcernOut.from_orm(concern).model_copy(update=hidden))
    return Status(201, concern)


@router.get("/{concern_id}", response=ConcernOut, summary="A concern, for those who may see it")
def get_concern(request, concern_id: Id):
    return selectors.concern_get_for_user(user=request.user, concern_id=concern_id, purpose="read_by_api")
