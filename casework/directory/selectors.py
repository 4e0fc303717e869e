"""Reads of the service directory: search by words, need, taxonomy term, area and age; one service in full.

The directory is public information, so nothing here is scoped to a user. Lists fetch what their rows show
in a fixed number of queries (see the *_RELATED prefetches), whatever the number of rows.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from casework.directory.choices import NEEDS_TAXONOMY_ID, OPEN_STATUSES, Need
from casework.directory.models import (
    Address,
    Contact,
    Location,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from casework.people.identifiers import normalise_postcode, postcode_district

MAX_SEARCH_WORDS = 8
MAX_TERM_DEPTH = 10
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


@dataclass(frozen=True)
class ServiceFilters:
    """What to search the directory by; every field is optional and they combine with AND.

    text: words in the name, description, eligibility, organisation or a term's name. need: a Need code.
    taxonomy_term: a term's id or code; narrower terms count. area: a postcode, a postcode district or a town;
    services with no address (countywide, online, by phone) match any area. age: a person's age, within the
    service's minimum and maximum. minimum_age and maximum_age: as ORUK says, the service's own minimum is at
    least, and its maximum at most, the value. statuses: empty for any.
    """

    text: str = ""
    need: str = ""
    taxonomy_term: str = ""
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    area: str = ""
    age: int | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    statuses: tuple[str, ...] = ()


# What a summary card (or an API row) shows: the organisation, phones, contacts, addresses and needs.
CARD_RELATED = (
    "phones",
    Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
    Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.select_related("location").prefetch_related("location__addresses"),
    ),
    Prefetch("attributes", queryset=ServiceAttribute.objects.select_related("taxonomy_term")),
)
# A service in full, as /services/{id} nests it.
FULL_RELATED = (
    "phones",
    Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones")),
    Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
            "location__addresses", "location__phones"
        ),
    ),
    Prefetch("attributes", queryset=ServiceAttribute.objects.select_related("taxonomy_term")),
)


def area_district(area: str) -> str | None:
    """The postcode district that `area` names ("RG40 1AA", "rg40", "RG40 1" give "RG40"), else None."""
    text = " ".join((area or "").upper().split())
    if not text:
        return None
    try:
        return postcode_district(normalise_postcode(text))
    except ValidationError:
        pass
    first = text.split(" ")[0]
    return first if _OUTWARD_CODE.match(first) else None


def term_ids_with_narrower(ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The terms and every term below them (one query per level of the hierarchy, at most MAX_TERM_DEPTH)."""
    found = set(ids)
    frontier = set(found)
    for _level in range(MAX_TERM_DEPTH):
        if not frontier:
            break
        frontier = set(
            TaxonomyTerm.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found


def taxonomy_term_ids_for(value: str) -> set[uuid.UUID]:
    """The terms a taxonomy_term filter means: by id, else by code in any taxonomy, and narrower terms."""
    value = (value or "").strip()
    try:
        ids = {uuid.UUID(value)}
    except ValueError:
        ids = (
            set(TaxonomyTerm.objects.filter(term__iexact=value).values_list("pk", flat=True))
            if value
            else set()
        )
    return term_ids_with_narrower(ids) if ids else set()


def need_term_ids(need: str) -> set[uuid.UUID]:
    """The Casework needs term of a need code and its narrower terms; empty when it is not imported."""
    ids = set(
        TaxonomyTerm.objects.filter(taxonomy_id=NEEDS_TAXONOMY_ID, term=need).values_list("pk", flat=True)
    )
    return term_ids_with_narrower(ids) if ids else set()


def need_choices() -> list[tuple[str, str]]:
    return list(Need.choices)


def _with_term(term_ids: set[uuid.UUID]) -> Exists:
    return Exists(ServiceAttribute.objects.filter(service=OuterRef("pk"), taxonomy_term_id__in=term_ids))


def service_search(*, filters: ServiceFilters) -> QuerySet[Service]:
    """Services matching the filters, by name (services near the area first), with their organisation."""
    qs = Service.objects.select_related("organization")
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    for word in filters.text.split()[:MAX_SEARCH_WORDS]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility_description__icontains=word)
            | Q(organization__name__icontains=word)
            | Exists(
                ServiceAttribute.objects.filter(service=OuterRef("pk"), taxonomy_term__name__icontains=word)
            )
        )
    if filters.need:
        qs = qs.filter(_with_term(need_term_ids(filters.need)))
    if filters.taxonomy_term:
        qs = qs.filter(_with_term(taxonomy_term_ids_for(filters.taxonomy_term)))
    if filters.taxonomy_id:
        qs = qs.filter(
            Exists(
                ServiceAttribute.objects.filter(
                    service=OuterRef("pk"), taxonomy_term__taxonomy_id=filters.taxonomy_id
                )
            )
        )
    if filters.organization_id:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.age is not None:
        qs = qs.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.age),
        )
    if filters.minimum_age is not None:
        qs = qs.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        qs = qs.filter(maximum_age__lte=filters.maximum_age)
    order = ["name", "id"]
    if filters.area.strip():
        addresses = Address.objects.filter(location__service_at_locations__service=OuterRef("pk"))
        district = area_district(filters.area)
        if district:
            here = addresses.filter(postcode_district=district)
        else:
            here = addresses.filter(city__icontains=" ".join(filters.area.split()))
        qs = qs.filter(Exists(here) | ~Exists(addresses)).annotate(is_local=Exists(here))
        order = ["-is_local", *order]
    return qs.order_by(*order)


def service_list_for_cards(qs: QuerySet[Service]) -> QuerySet[Service]:
    return qs.prefetch_related(*CARD_RELATED)


def service_get(*, service_id: uuid.UUID | str) -> Service:
    """A service with everything /services/{id} nests, or Http404."""
    try:
        return (
            Service.objects.select_related("organization").prefetch_related(*FULL_RELATED).get(pk=service_id)
        )
    except (Service.DoesNotExist, ValidationError, ValueError):
        raise Http404("No service found") from None


def service_at_location_search(
    *, filters: ServiceFilters, district: str | None = None
) -> QuerySet[ServiceAtLocation]:
    """Services at locations: the services that match, at locations in the postcode district if given."""
    qs = ServiceAtLocation.objects.filter(service__in=service_search(filters=filters).order_by().values("pk"))
    if district:
        qs = qs.filter(
            Exists(Address.objects.filter(location=OuterRef("location_id"), postcode_district=district))
        )
    return qs.select_related("service__organization", "location").order_by(
        "service__name", "location__name", "id"
    )


def service_at_location_get(*, service_at_location_id: uuid.UUID | str) -> ServiceAtLocation:
    """A service at a location with its location and service in full, or Http404."""
    try:
        return (
            ServiceAtLocation.objects.select_related("service__organization", "location")
            .prefetch_related(
                "location__addresses",
                "location__phones",
                "service__phones",
                Prefetch("service__contacts", queryset=Contact.objects.prefetch_related("phones")),
                Prefetch(
                    "service__attributes", queryset=ServiceAttribute.objects.select_related("taxonomy_term")
                ),
            )
            .get(pk=service_at_location_id)
        )
    except (ServiceAtLocation.DoesNotExist, ValidationError, ValueError):
        raise Http404("No service at location found") from None


def taxonomy_list() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.order_by("name", "id")


def taxonomy_get(*, taxonomy_id: uuid.UUID | str) -> tuple[Taxonomy, list[TaxonomyTerm]]:
    """A taxonomy and its terms, or Http404."""
    try:
        taxonomy = Taxonomy.objects.get(pk=taxonomy_id)
    except (Taxonomy.DoesNotExist, ValidationError, ValueError):
        raise Http404("No taxonomy found") from None
    return taxonomy, list(TaxonomyTerm.objects.filter(taxonomy_id=taxonomy.pk).order_by("name", "id"))


def taxonomy_term_list(
    *, taxonomy_id: uuid.UUID | None = None, parent_id: uuid.UUID | None = None, search: str = ""
) -> QuerySet[TaxonomyTerm]:
    qs = TaxonomyTerm.objects.order_by("name", "id")
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=taxonomy_id)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    for word in search.split()[:MAX_SEARCH_WORDS]:
        qs = qs.filter(Q(name__icontains=word) | Q(term__icontains=word) | Q(description__icontains=word))
    return qs


def taxonomy_term_get(*, term_id: uuid.UUID | str) -> TaxonomyTerm:
    try:
        return TaxonomyTerm.objects.get(pk=term_id)
    except (TaxonomyTerm.DoesNotExist, ValidationError, ValueError):
        raise Http404("No taxonomy term found") from None


def locations_of(service: Service) -> list[Location]:
    """The service's locations, from its prefetched services at locations."""
    return [sal.location for sal in service.service_at_locations.all()]


def service_signpost_snapshot(*, service_id: uuid.UUID | str) -> dict[str, str]:
    """What a contact record keeps of a service it signposted, as it is now (feeds change; records must not).

    {"service_id", "name", "organisation", "contact" (phone and email), "address" (or "Countywide"), "feed"}.
    Raises Http404 for no such service.
    """
    service = service_get(service_id=service_id)
    phones = [p.number for p in service.phones.all()] + [
        p.number for contact in service.contacts.all() for p in contact.phones.all()
    ]
    addresses = [
        ", ".join(part for part in (address.address_1, address.city, address.postal_code) if part)
        for location in locations_of(service)
        for address in location.addresses.all()
    ]
    return {
        "service_id": str(service.pk),
        "name": service.name,
        "organisation": service.organization.name if service.organization is not None else "",
        "contact": " / ".join(filter(None, [phones[0] if phones else "", service.email])),
        "address": addresses[0] if addresses else "Countywide",
        "feed": service.feed,
    }


SIGNPOST_RESULTS = 8


def service_choices_for_signposting(
    *, chosen_ids: Iterable[str], text: str = "", area: str = ""
) -> list[tuple[str, str]]:
    """Checkbox choices for the contact form: the services already chosen, then up to 8 open services found.

    Services covering the area come first; if fewer than 8 do, services elsewhere fill the list (someone may
    travel, or the person's postcode may be out of date). A chosen id that is not a directory service is left
    out, so the form refuses it. Runs at most three queries.
    """
    valid: list[uuid.UUID] = []
    for value in chosen_ids:
        try:
            valid.append(uuid.UUID(str(value)))
        except ValueError:
            continue

    def label(service: Service) -> str:
        organisation = service.organization.name if service.organization is not None else ""
        return (
            f"{service.name}{f' ({organisation})' if organisation and organisation != service.name else ''}"
        )

    chosen = Service.objects.filter(pk__in=valid).select_related("organization").order_by("name")
    choices = [(str(s.pk), label(s)) for s in chosen]
    if text.strip():
        found: list[Service] = []
        for where in dict.fromkeys([area, ""]):
            if len(found) < SIGNPOST_RESULTS:
                found += (
                    service_search(
                        filters=ServiceFilters(text=text.strip(), area=where, statuses=OPEN_STATUSES)
                    )
                    .exclude(pk__in=valid + [s.pk for s in found])
                    .select_related("organization")[: SIGNPOST_RESULTS - len(found)]
                )
        choices += [(str(s.pk), label(s)) for s in found]
    return choices
