"""The service directory in the API (/api/v1/directory): search and one service, read-only.

The same selectors as the Find a service page. The API's usual sign-in applies (a token or a session); the
open Open Referral UK endpoints at /openreferral/ serve the same data in the standard's shape.
"""

from __future__ import annotations

import datetime
import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from casework.core.api import PageParams, paginate
from casework.directory import selectors
from casework.directory.choices import OPEN_STATUSES, Need, ServiceStatus
from casework.directory.models import Service
from casework.directory.selectors import ServiceFilters

router = Router(tags=["directory"])


class DirectoryOrganizationOut(Schema):
    id: uuid.UUID
    name: str
    website: str
    email: str


class DirectoryPhoneOut(Schema):
    number: str
    description: str


class DirectoryContactOut(Schema):
    name: str
    title: str
    email: str
    phones: list[DirectoryPhoneOut]

    @staticmethod
    def resolve_phones(contact):
        return list(contact.phones.all())


class DirectoryAddressOut(Schema):
    address_1: str
    city: str
    postal_code: str
    postcode_district: str


class DirectoryLocationOut(Schema):
    id: uuid.UUID
    service_at_location_id: uuid.UUID
    name: str
    location_type: str
    latitude: float | None
    longitude: float | None
    addresses: list[DirectoryAddressOut]


class DirectoryTermOut(Schema):
    id: uuid.UUID
    term: str
    name: str
    taxonomy: str
    taxonomy_id: uuid.UUID | None
    link_type: str


class DirectoryServiceOut(Schema):
    id: uuid.UUID
    name: str
    status: str
    description: str
    organization: DirectoryOrganizationOut | None
    url: str
    email: str
    eligibility_description: str
    minimum_age: float | None
    maximum_age: float | None
    fees: str
    alert: str
    last_modified: datetime.datetime | None
    phones: list[DirectoryPhoneOut]
    contacts: list[DirectoryContactOut]
    locations: list[DirectoryLocationOut] = Field(
        description="Empty for a countywide service with no premises"
    )
    terms: list[DirectoryTermOut] = Field(
        description="The taxonomy terms the service is tagged with (needs among them)"
    )

    @staticmethod
    def resolve_phones(service):
        return list(service.phones.all())

    @staticmethod
    def resolve_contacts(service):
        return list(service.contacts.all())

    @staticmethod
    def resolve_locations(service):
        return [
            {
                "id": sal.location_id,
                "service_at_location_id": sal.pk,
                "name": sal.location.name,
                "location_type": sal.location.location_type,
                "latitude": sal.location.latitude,
                "longitude": sal.location.longitude,
                "addresses": list(sal.location.addresses.all()),
            }
            for sal in service.service_at_locations.all()
        ]

    @staticmethod
    def resolve_terms(service):
        return [
            {
                "id": a.taxonomy_term_id,
                "term": a.taxonomy_term.term,
                "name": a.taxonomy_term.name,
                "taxonomy": a.taxonomy_term.taxonomy_name,
                "taxonomy_id": a.taxonomy_term.taxonomy_id,
                "link_type": a.link_type,
            }
            for a in service.attributes.all()
        ]


class DirectoryServicePage(Schema):
    items: list[DirectoryServiceOut]
    count: int | None
    page: int
    page_size: int
    has_next: bool


class DirectoryServiceListParams(PageParams):
    q: str = Field(
        "", max_length=200, description="Words in the name, description, eligibility or organisation"
    )
    need: Need | None = Field(None, description="A need from the Casework needs taxonomy")
    taxonomy_term: str = Field(
        "", max_length=200, description="A taxonomy term's id or code; narrower terms count"
    )
    area: str = Field(
        "",
        max_length=60,
        description="A postcode, postcode district or town; countywide services always match",
    )
    age: int | None = Field(
        None, ge=0, le=150, description="The person's age: within the service's age range"
    )
    status: list[ServiceStatus] = Field(
        default_factory=list,
        max_length=len(ServiceStatus),
        description="Statuses to include; by default active and temporarily closed",
    )


@router.get("/services", response=DirectoryServicePage, summary="Search the service directory")
def service_list(request, params: Query[DirectoryServiceListParams]):
    filters = ServiceFilters(
        text=params.q,
        need=params.need.value if params.need else "",
        taxonomy_term=params.taxonomy_term,
        area=params.area,
        age=params.age,
        statuses=tuple(params.status) or OPEN_STATUSES,
    )
    qs = selectors.service_list_for_cards(selectors.service_search(filters=filters))
    rows, meta = paginate(qs, params)
    return {"items": rows, **meta}


@router.get("/services/{service_id}", response=DirectoryServiceOut, summary="A service of the directory")
def service_get(request, service_id: uuid.UUID) -> Service:
    return selectors.service_get(service_id=service_id)
