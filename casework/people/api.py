# mypy: disable-error-code="valid-type"
# (the contract's code lists are built by core.api.one_of, a call in an annotation that pydantic reads at run
# time and mypy cannot.)
"""People in the API: index-card search, the full record, create (with the duplicate check), update."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field, StringConstraints, WithJsonSchema

from casework.core.api import (
    ErrorOut,
    EventDate,
    Id,
    InputSchema,
    Text,
    Uprn,
    Version,
    etag,
    expected_version,
    one_of,
    said,
)
from casework.people import selectors, services
from casework.people.choices import AccessibleFormat, ContactMethod, Ethnicity, Gender, Sex
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


# Ten digits, with spaces or hyphens between them if you like (or none at all, where it may be left out); the
# check digit is the service's to check.
NhsNumber = Annotated[
    str,
    StringConstraints(max_length=20),
    WithJsonSchema({"type": "string", "maxLength": 20, "pattern": r"^(([\s-]*[0-9]){10}[\s-]*)?$"}),
]


class PersonFields(InputSchema):
    given_name: said(100) | None = None
    family_name: said(100) | None = None
    other_names: str | None = Field(None, max_length=200)
    date_of_birth: EventDate | None = None
    date_of_death: EventDate | None = None
    nhs_number: NhsNumber | None = None
    local_identifier: str | None = Field(None, max_length=64)
    sex: one_of(Sex, blank=True) | None = None
    gender: one_of(Gender, blank=True) | None = None
    ethnicity: one_of(Ethnicity, blank=True) | None = None
    preferred_language: str | None = Field(None, max_length=60)
    interpreter_needed: bool | None = None
    communication_needs: Text | None = None
    accessible_format: one_of(AccessibleFormat, blank=True) | None = None
    address_line_1: str | None = Field(None, max_length=200)
    address_line_2: str | None = Field(None, max_length=200)
    town: str | None = Field(None, max_length=100)
    postcode: str | None = Field(None, max_length=10)
    uprn: Uprn | None = None
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    preferred_contact_method: one_of(ContactMethod, blank=True) | None = None


class PersonCreateIn(PersonFields):
    given_name: said(100)
    family_name: said(100)
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
    nhs_number: NhsNumber = ""
    family_name: str = Field("", max_length=100)
    given_name: str = Field("", max_length=100)
    date_of_birth: datetime.date | None = None


def _fields(payload: PersonFields) -> dict:
    data = payload.dict(exclude_unset=True, exclude={"confirmed_new", "version", "reason"})
    # Text fields sent as null mean "empty"; dates and numbers keep None; the names (which cannot be empty)
    # and yes/no sent as null are not given.
    return {
        k: ("" if v is None and k not in {"date_of_birth", "date_of_death", "uprn", "nhs_number"} else v)
        for k, v in data.items()
        if not (v is None and k in {"given_name", "family_name", "interpreter_needed"})
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
