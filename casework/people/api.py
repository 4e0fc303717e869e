"""People in the API: index-card search, the full record, create (with the duplicate check), update."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.core.api import (
    Code,
    ErrorOut,
    EventDate,
    Id,
    InputSchema,
    Text,
    Uprn,
    Version,
    etag,
    expected_version,
)
from casework.people import selectors, services
from casework.people.errors import PossibleDuplicates

router = Router(tags=["people"])


class IndexCardOut(Schema):
    person_id: int
    name: str
    birth_year: int | None
    postcode_district: str
    is_restricted: bool
    known_to: str
    can_open: bool
    can_break_glass: bool
    responsible: list[str]


class PersonOut(Schema):
    id: int
    version: int
    given_name: str
    family_name: str
    other_names: str
    date_of_birth: datetime.date | None
    date_of_death: datetime.date | None
    nhs_number: str | None
    local_identifier: str
    sex: str
    gender: str
    ethnicity: str
    preferred_language: str
    interpreter_needed: bool
    communication_needs: str
    accessible_format: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    uprn: int | None
    phone: str
    email: str
    preferred_contact_method: str
    is_restricted: bool
    created_by_organisation_id: int
    break_glass_until: datetime.datetime | None = Field(
        None,
        description="Set when you are reading this record only under break-glass access: until when. "
        "Every view under it is flagged and reviewed by your organisation's auditor.",
    )

    @staticmethod
    def resolve_break_glass_until(person) -> datetime.datetime | None:
        grant = getattr(person, "break_glass_grant", None)
        return grant.expires_at if grant is not None else None


class PersonFields(InputSchema):
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    other_names: str | None = Field(None, max_length=200)
    date_of_birth: EventDate | None = None
    date_of_death: EventDate | None = None
    nhs_number: str | None = Field(None, max_length=20)
    local_identifier: str | None = Field(None, max_length=64)
    sex: Code | None = None
    gender: Code | None = None
    ethnicity: Code | None = None
    preferred_language: str | None = Field(None, max_length=60)
    interpreter_needed: bool | None = None
    communication_needs: Text | None = None
    accessible_format: Code | None = None
    address_line_1: str | None = Field(None, max_length=200)
    address_line_2: str | None = Field(None, max_length=200)
    town: str | None = Field(None, max_length=100)
    postcode: str | None = Field(None, max_length=10)
    uprn: Uprn | None = None
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    preferred_contact_method: Code | None = None


class PersonCreateIn(PersonFields):
    given_name: str = Field(..., min_length=1, max_length=100)
    family_name: str = Field(..., min_length=1, max_length=100)
    confirmed_new: bool = Field(
        False, description="Create even though likely matches exist (after checking them)"
    )


class PersonUpdateIn(PersonFields):
    version: Version | None = Field(None, description="The version you read; or send If-Match")
    reason: str = Field("", max_length=500)


class DuplicatesOut(ErrorOut):
    """A 409 of creating a person: likely matches, when `candidates` lists them (look, then send
    confirmed_new), or another conflict."""

    candidates: list[IndexCardOut] = Field(default_factory=list, description="The likely matches, if any")


class SearchParams(InputSchema):
    nhs_number: str = Field("", max_length=20)
    family_name: str = Field("", max_length=100)
    given_name: str = Field("", max_length=100)
    date_of_birth: datetime.date | None = None


def _fields(payload: PersonFields) -> dict:
    data = payload.dict(exclude_unset=True, exclude={"confirmed_new", "version", "reason"})
    # Text fields sent as null mean "empty"; dates and numbers keep None.
    return {
        k: ("" if v is None and k not in {"date_of_birth", "date_of_death", "uprn", "nhs_number"} else v)
        for k, v in data.items()
    }


def _card(card: selectors.IndexCard) -> dict:
    return {**card.__dict__, "responsible": list(card.responsible)}


@router.get(
    "/search",
    response={200: list[IndexCardOut], 429: ErrorOut},
    summary="Find whether a person is known (index cards)",
    openapi_extra={
        "responses": {
            429: {
                "description": (
                    "Too many searches of the index by you (CASEWORK_INDEX_SEARCH_LIMIT in "
                    "CASEWORK_INDEX_SEARCH_WINDOW_SECONDS, the pages' and the API's together): nothing was "
                    "searched; search again after Retry-After seconds."
                )
            }
        }
    },
)
def search(request, params: Query[SearchParams]):
    cards = selectors.person_index_search(user=request.user, **params.dict())
    return [_card(c) for c in cards]


@router.get("/{person_id}", response=PersonOut, summary="A person's full record")
def get_person(request, person_id: Id, response: HttpResponse):
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, purpose="read_by_api")
    response["ETag"] = etag(person.version)
    return person


@router.post("", response={201: PersonOut, 409: DuplicatesOut}, summary="Create a person")
def create_person(request, payload: PersonCreateIn, response: HttpResponse):
    try:
        person = services.person_create(
            user=request.user, data=_fields(payload), confirmed_new=payload.confirmed_new
        )
    except PossibleDuplicates as error:
        candidates = [_card(c) for c in error.candidates]
        return Status(409, {"detail": error.message, "errors": [], "candidates": candidates})
    response["ETag"] = etag(person.version)
    return Status(201, person)


@router.patch("/{person_id}", response=PersonOut, summary="Change a person's details")
def update_person(request, person_id: Id, payload: PersonUpdateIn, response: HttpResponse):
    person = selectors.person_get_for_change(user=request.user, person_id=person_id)
    version = expected_version(request, payload.version)
    person = services.person_update(
        user=request.user, person=person, version=version, data=_fields(payload), reason=payload.reason
    )
    response["ETag"] = etag(person.version)
    return person
