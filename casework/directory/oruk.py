"""The directory as Open Referral UK 3.0 JSON: the shapes of the standard's compiled schemas and examples.

Optional fields with no value are left out (the schemas allow no nulls). A few HSDS 3.0 fields that the UK
schemas do not list yet are served as local extras, which the profile allows: service.eligibility_description
and phones on services, contacts and locations.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from typing import Any

from casework.directory.models import (
    Address,
    Contact,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)

ORUK_VERSION = "3.0"
PROFILE_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/profile"
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"


def _put(out: dict[str, Any], **values: Any) -> dict[str, Any]:
    for key, value in values.items():
        if value is not None and value != "":
            out[key] = value
    return out


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _datetime(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _id(value) -> str | None:
    return str(value) if value else None


def api_info() -> dict[str, Any]:
    return {"version": ORUK_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


def page(
    rows: Iterable[Any], serialise: Callable[[Any], dict], *, total: int, page_number: int, per_page: int
) -> dict[str, Any]:
    """The ORUK page: counts, where this page is, and its contents."""
    contents = [serialise(row) for row in rows]
    total_pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def organization(org: Organization, *, full: bool = True) -> dict[str, Any]:
    out = {"id": str(org.pk), "name": org.name, "description": org.description}
    _put(
        out,
        email=org.email,
        website=org.website,
        logo=org.logo,
        uri=org.uri,
        parent_organization_id=_id(org.parent_organization_id),
    )
    if full:
        out["organization_identifiers"] = org.organization_identifiers
        out["attributes"] = org.attributes
    return out


def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    out = {"id": str(term.pk), "name": term.name, "description": term.description}
    return _put(
        out,
        parent_id=_id(term.parent_id),
        taxonomy=term.taxonomy_name,
        taxonomy_id=_id(term.taxonomy_id),
        term_uri=term.term_uri,
        term=term.term,
    )


def taxonomy(tax: Taxonomy, terms: Iterable[TaxonomyTerm] | None = None) -> dict[str, Any]:
    out = {"id": str(tax.pk), "name": tax.name, "description": tax.description}
    _put(out, uri=tax.uri, version=tax.version)
    if terms is not None:
        out["taxonomy_terms"] = [taxonomy_term(term) for term in terms]
    return out


def phone(item: Phone) -> dict[str, Any]:
    out = {"id": str(item.pk), "number": item.number}
    _put(out, description=item.description)
    if item.languages:
        out["languages"] = item.languages
    return out


def contact(item: Contact) -> dict[str, Any]:
    out = {"id": str(item.pk)}
    _put(out, name=item.name, title=item.title, email=item.email)
    out["phones"] = [phone(p) for p in item.phones.all()]
    out["attributes"] = item.attributes
    return out


def address(item: Address) -> dict[str, Any]:
    out = {
        "id": str(item.pk),
        "address_1": item.address_1,
        "city": item.city,
        "state_province": item.state_province,
        "postal_code": item.postal_code,
        "country": item.country,
        "address_type": item.address_type,
    }
    _put(out, attention=item.attention, region=item.region)
    if item.attributes:
        out["attributes"] = item.attributes
    return out


def location(item: Location, *, full: bool = True) -> dict[str, Any]:
    out = {"id": str(item.pk), "location_type": item.location_type}
    _put(
        out,
        name=item.name,
        description=item.description,
        latitude=_number(item.latitude),
        longitude=_number(item.longitude),
        external_identifier=item.external_identifier,
        external_identifier_type=item.external_identifier_type,
    )
    if full:
        out["addresses"] = [address(a) for a in item.addresses.all()]
        out["phones"] = [phone(p) for p in item.phones.all()]
        out["accessibility"] = item.accessibility
        out["attributes"] = item.attributes
    return out


def attribute(item: ServiceAttribute) -> dict[str, Any]:
    out = {"id": str(item.pk), "taxonomy_term_id": str(item.taxonomy_term_id)}
    _put(out, link_type=item.link_type)
    out["taxonomy_term"] = taxonomy_term(item.taxonomy_term)
    return out


def service(item: Service, *, full: bool = True, with_locations: bool = True) -> dict[str, Any]:
    """A service: its one-to-one fields and organisation (a list row), or fully nested (`full`)."""
    out = {"id": str(item.pk), "name": item.name, "status": item.status}
    _put(
        out,
        organization_id=_id(item.organization_id),
        description=item.description,
        url=item.url,
        email=item.email,
        fees=item.fees,
        accreditations=item.accreditations,
        eligibility_description=item.eligibility_description,
        minimum_age=_number(item.minimum_age),
        maximum_age=_number(item.maximum_age),
        assured_date=item.assured_date.isoformat() if item.assured_date else None,
        assurer_email=item.assurer_email,
        alert=item.alert,
        last_modified=_datetime(item.last_modified),
    )
    if item.organization_id:
        out["organization"] = organization(item.organization, full=full)
    if not full:
        return out
    out.update(schedules=item.schedules, service_areas=item.service_areas)
    if with_locations:
        out["service_at_locations"] = [
            {"id": str(sal.pk), "location": location(sal.location)} for sal in item.service_at_locations.all()
        ]
    out.update(languages=item.languages, funding=item.funding, cost_options=item.cost_options)
    out["contacts"] = [contact(c) for c in item.contacts.all()]
    out["phones"] = [phone(p) for p in item.phones.all()]
    out["attributes"] = [attribute(a) for a in item.attributes.all()]
    return out


def service_at_location(item: ServiceAtLocation, *, full: bool = True) -> dict[str, Any]:
    """A service at a location: the location and the service, one-to-one fields only or in full."""
    return {
        "id": str(item.pk),
        "service_id": str(item.service_id),
        "location_id": str(item.location_id),
        "location": location(item.location, full=full),
        "service": service(item.service, full=full, with_locations=False),
    }
