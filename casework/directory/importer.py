"""Reading Open Referral UK 3.0 JSON: fetch a file or URL, recognise each record, check it, plan the rows.

Accepts what ORUK directories publish: a single record (service, organization, service_at_location, taxonomy
or taxonomy_term, nested as the standard's examples are) or a page of them ({"contents": [...]}); an http(s)
feed is followed page by page. Each record is validated against the official ORUK 3.0 schemas (vendored in
oruk_standard/schema/) and against the directory (dates, ages, references to records that exist). Nothing here
writes: the plan goes to services.directory_import, which saves it all or, if any record is bad, nothing.
"""

from __future__ import annotations

import datetime
import functools
import json
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import models
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from casework.core.errors import ValidationFailed
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
from casework.people.identifiers import normalise_postcode, postcode_district

# The Open Referral UK 3.0 standard, vendored whole with its licence (oruk_standard/README.md): the entity
# schemas the importer validates against, the compiled documents and the example payloads the tests check
# against.
ORUK_DIR = Path(__file__).resolve().parent / "oruk_standard"
SCHEMA_DIR = ORUK_DIR / "schema"


def entity_schema_paths() -> list[Path]:
    """The entity schemas (service.json, phone.json, ...): every schema file but the API's openapi.json."""
    return sorted(p for p in SCHEMA_DIR.glob("*.json") if p.name != "openapi.json")


KINDS = ("service", "organization", "service_at_location", "taxonomy", "taxonomy_term")
MAX_FEED_BYTES = 50 * 1024 * 1024
MAX_PAGES = 1000
FETCH_TIMEOUT_SECONDS = 60
USER_AGENT = "Casework service directory importer (Open Referral UK 3.0)"

# Tests replace this to serve pages without a network.
urlopen = urllib.request.urlopen


class FeedUnreadable(ValidationFailed):
    """The feed could not be fetched or is not ORUK JSON at all; nothing was imported."""


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def load(source: str, *, timeout: float = FETCH_TIMEOUT_SECONDS) -> list[Any]:
    """The JSON documents of a feed: one for a file, one per page for a paginated http(s) feed.

    Raises FeedUnreadable when the file or URL cannot be read or is not JSON.
    """
    scheme = urlsplit(source).scheme.lower() if "://" in source else ""
    if not scheme:
        path = Path(source)
        if not path.is_file():
            raise FeedUnreadable(f"There is no file at {source}")
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FeedUnreadable(f"{source} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
        return [_parse_json(path.read_bytes(), source)]
    if scheme not in ("http", "https", "file"):
        raise FeedUnreadable(f"Give a file, or an http, https or file URL, not {scheme}:")
    documents = [_fetch(source, timeout)]
    url = source
    while scheme in ("http", "https") and _has_next_page(documents[-1]):
        if len(documents) >= MAX_PAGES:
            raise FeedUnreadable(f"{source} has more than {MAX_PAGES} pages")
        url = _with_page(url, int(documents[-1].get("page_number") or len(documents)) + 1)
        documents.append(_fetch(url, timeout))
    return documents


def _fetch(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    try:
        with urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedUnreadable(f"{url} answered HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise FeedUnreadable(f"Could not read {url}: {reason}") from None
    if len(body) > MAX_FEED_BYTES:
        raise FeedUnreadable(f"{url} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
    return _parse_json(body, url)


def _parse_json(body: bytes, source: str) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedUnreadable(f"{source} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise FeedUnreadable(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def _is_page(document: Any) -> bool:
    return isinstance(document, dict) and "contents" in document


def _has_next_page(document: Any) -> bool:
    if not _is_page(document) or not document.get("contents"):
        return False
    if document.get("last_page") is False:
        return True
    page, pages = document.get("page_number"), document.get("total_pages")
    return isinstance(page, int) and isinstance(pages, int) and page < pages and "last_page" not in document


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "page"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("page", str(page))])))


# ---------------------------------------------------------------------------
# Records and problems
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRecord:
    """One top-level record of a feed: its number (from 1) and where it sits in the documents."""

    number: int
    where: str
    data: Any


@dataclass(frozen=True)
class Problem:
    """Why a record cannot be imported: which record, where in it, and the reason."""

    record: int
    where: str
    record_id: str
    path: str
    reason: str

    def __str__(self) -> str:
        place = ", ".join(
            part for part in (self.where, f"id {self.record_id}" if self.record_id else "") if part
        )
        head = f"Record {self.record}" + (f" ({place})" if place else "")
        return f"{head}: {self.path + ': ' if self.path else ''}{self.reason}"


def records_of(documents: Iterable[Any]) -> list[RawRecord]:
    """The records of the documents, numbered. Raises FeedUnreadable for a document of no known shape."""
    documents = list(documents)
    records: list[RawRecord] = []
    for page_number, document in enumerate(documents, start=1):
        prefix = f"page {page_number}, " if len(documents) > 1 else ""
        if _is_page(document):
            contents = document["contents"]
            if not isinstance(contents, list):
                raise FeedUnreadable("The feed's contents must be a list of records")
            items = [(f"{prefix}contents[{index}]", item) for index, item in enumerate(contents)]
        elif isinstance(document, list):
            items = [(f"{prefix}[{index}]", item) for index, item in enumerate(document)]
        elif isinstance(document, dict):
            items = [(prefix.rstrip(", "), document)]
        else:
            raise FeedUnreadable(
                "The feed must be an Open Referral UK record, or a page of them with contents"
            )
        for where, item in items:
            records.append(RawRecord(number=len(records) + 1, where=where, data=item))
    return records


def detect_kind(record: dict) -> str | None:
    """Which ORUK entity a record is, from the fields it has; None when it cannot be told."""
    keys = set(record)
    if keys & {"location", "location_id"}:
        return "service_at_location"
    if keys & {
        "status",
        "service_at_locations",
        "organization",
        "organization_id",
        "schedules",
        "service_areas",
        "fees",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
        "last_modified",
        "contacts",
        "cost_options",
        "funding",
        "languages",
        "url",
        "eligibility_description",
    }:
        return "service"
    if keys & {"services", "organization_identifiers", "website", "logo", "parent_organization_id", "email"}:
        return "organization"
    if keys & {"term", "parent_id", "taxonomy", "taxonomy_id", "term_uri"}:
        return "taxonomy_term"
    if keys & {"taxonomy_terms", "version", "uri"}:
        return "taxonomy"
    return None


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


@functools.cache
def _registry() -> Registry:
    # The entity schemas refer to each other by bare file name ("schedule.json"); register them so.
    resources = [
        (path.name, Resource(contents=json.loads(path.read_text()), specification=DRAFT202012))
        for path in entity_schema_paths()
    ]
    return Registry().with_resources(resources)


@functools.cache
def schema_validator(entity: str) -> Draft202012Validator:
    """A validator for one ORUK 3.0 entity schema (service, phone, ...), checking formats (uuid, email)."""
    schema = _registry().contents(f"{entity}.json")
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _json_path(base: str, parts: Iterable[Any]) -> str:
    path = base
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else (f"{path}.{part}" if path else str(part))
    return path


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(error) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{missing} is required"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        article = "an" if str(expected)[0] in "aeiou" else "a"
        return f"must be {article} {expected}, not {_show(error.instance)}"
    if error.validator == "enum":
        allowed = ", ".join(_show(v) for v in error.validator_value)
        return f"must be one of {allowed}, not {_show(error.instance)}"
    if error.validator == "format":
        return f"must be a valid {error.validator_value}, not {_show(error.instance)}"
    return error.message if len(error.message) <= 200 else error.message[:197] + "..."


def schema_problems(entity: str, data: Any, base: str = "") -> list[tuple[str, str]]:
    """(path, reason) for everything in `data` that breaks the ORUK schema of `entity`, nested parts included.

    Also checks the parts the UK schemas leave out but feeds carry: a service_at_location's nested service, an
    organization's services, HSDS phones on services, contacts and locations, and text extras.
    """
    problems = [
        (_json_path(base, error.absolute_path), _reason(error))
        for error in sorted(schema_validator(entity).iter_errors(data), key=lambda e: list(map(str, e.path)))
    ]
    if not isinstance(data, dict):
        return problems

    def each(key: str):
        value = data.get(key)
        return enumerate(value) if isinstance(value, list) else ()

    def extra_text(*keys: str) -> None:
        for key in keys:
            if key in data and not isinstance(data[key], str):
                problems.append((_json_path(base, [key]), f"must be a string, not {_show(data[key])}"))

    if entity == "service":
        extra_text("eligibility_description")
        problems.extend(_phones(data, base))
        for index, contact in each("contacts"):
            if isinstance(contact, dict):
                problems.extend(_extras_of_contact(contact, _json_path(base, ["contacts", index])))
        for index, sal in each("service_at_locations"):
            if isinstance(sal, dict) and isinstance(sal.get("location"), dict):
                problems.extend(
                    _extras_of_location(
                        sal["location"], _json_path(base, ["service_at_locations", index, "location"])
                    )
                )
    elif entity == "organization":
        if "services" in data and not isinstance(data["services"], list):
            problems.append((_json_path(base, ["services"]), "must be a list"))
        for index, service in each("services"):
            problems.extend(schema_problems("service", service, _json_path(base, ["services", index])))
    elif entity == "service_at_location":
        if "service" in data:
            problems.extend(schema_problems("service", data["service"], _json_path(base, ["service"])))
        if isinstance(data.get("location"), dict):
            problems.extend(_extras_of_location(data["location"], _json_path(base, ["location"])))
    return problems


def _extras_of_contact(contact: dict, base: str) -> list[tuple[str, str]]:
    problems = []
    if "email" in contact and not isinstance(contact["email"], str):
        problems.append((_json_path(base, ["email"]), f"must be a string, not {_show(contact['email'])}"))
    problems.extend(_phones(contact, base))
    return problems


def _extras_of_location(location: dict, base: str) -> list[tuple[str, str]]:
    return _phones(location, base)


def _phones(data: dict, base: str) -> list[tuple[str, str]]:
    if "phones" not in data:
        return []
    if not isinstance(data["phones"], list):
        return [(_json_path(base, ["phones"]), "must be a list")]
    problems = []
    for index, phone in enumerate(data["phones"]):
        problems.extend(schema_problems("phone", phone, _json_path(base, ["phones", index])))
    return problems


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------

# The order rows are written in, so that every foreign key points at a row already there.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Organization,
    Taxonomy,
    TaxonomyTerm,
    Location,
    Address,
    Service,
    ServiceAtLocation,
    Contact,
    Phone,
    ServiceAttribute,
)


@dataclass
class Plan:
    """What a valid feed asks for: rows by model and id, and the children of a parent it lists in full."""

    rows: dict[type[models.Model], dict[uuid.UUID, dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    # (child model, foreign key attname, parent id) -> the ids of the children the feed gave; others go.
    complete_children: dict[tuple[type[models.Model], str, uuid.UUID], set[uuid.UUID]] = field(
        default_factory=dict
    )
    problems: list[Problem] = field(default_factory=list)
    records: int = 0


@dataclass(frozen=True)
class _Reference:
    model: type[models.Model]
    id: uuid.UUID
    record: RawRecord
    record_id: str
    path: str


_MODEL_WORDS = {
    Organization: "organization",
    Location: "location",
    Service: "service",
    TaxonomyTerm: "taxonomy term",
}


def plan_feed(
    records: list[RawRecord], *, kind: str | None = None, progress: Callable[[int], Any] | None = None
) -> Plan:
    """Check every record and plan its rows; every problem goes in plan.problems with its record and place."""
    if kind is not None and kind not in KINDS:
        raise ValidationFailed(f"The kind must be one of {', '.join(KINDS)}", field="kind")
    reader = _Reader()
    for record in records:
        reader.read(record, kind)
        if progress is not None:
            progress(1)
    reader.check_references()
    reader.plan.records = len(records)
    reader.plan.problems.sort(key=lambda problem: problem.record)
    return reader.plan


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if isinstance(value, str) and value else None


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _number(data: dict, key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _postcode(value: str) -> tuple[str, str]:
    """A UK postcode in its normal form and its district; anything else as given, with no district."""
    try:
        normal = normalise_postcode(value)
    except ValidationError:
        return value.strip(), ""
    return normal, postcode_district(normal)


class _Reader:
    """Walks records into a Plan. Schema-valid records only; references are checked once all are read."""

    def __init__(self) -> None:
        self.plan = Plan()
        self.references: list[_Reference] = []
        # Ids that bad records declare, so that their neighbours' references to them are not reported twice.
        self.declared: dict[type[models.Model], set[uuid.UUID]] = defaultdict(set)
        self.record: RawRecord | None = None
        self.record_id = ""

    # -- bookkeeping --------------------------------------------------------

    def problem(self, path: str, reason: str) -> None:
        assert self.record is not None
        self.plan.problems.append(
            Problem(
                record=self.record.number,
                where=self.record.where,
                record_id=self.record_id,
                path=path,
                reason=reason,
            )
        )

    def put(self, model: type[models.Model], pk: uuid.UUID, row: dict[str, Any]) -> None:
        """Add a row; if a feed has a record twice, later values win, but an empty one clears nothing."""
        current = self.plan.rows[model].get(pk)
        if current is None:
            self.plan.rows[model][pk] = row
            return
        for key, value in row.items():
            if value not in (None, "", []) or key not in current:
                current[key] = value

    def complete(self, model: type[models.Model], fk: str, parent: uuid.UUID, ids: set[uuid.UUID]) -> None:
        self.plan.complete_children[(model, fk, parent)] = ids

    def refer(self, model: type[models.Model], pk: uuid.UUID, path: str) -> None:
        assert self.record is not None
        self.references.append(_Reference(model, pk, self.record, self.record_id, path))

    # -- records ------------------------------------------------------------

    def read(self, record: RawRecord, kind: str | None) -> None:
        self.record = record
        data = record.data
        self.record_id = (
            data.get("id", "") if isinstance(data, dict) and isinstance(data.get("id"), str) else ""
        )
        if not isinstance(data, dict):
            self.problem("", f"must be a JSON object, not {_show(data)}")
            return
        kind = kind or detect_kind(data)
        if kind is None:
            self.problem(
                "",
                "cannot tell which kind of Open Referral record this is (service, organization, "
                "service_at_location, taxonomy or taxonomy_term); name it with --kind",
            )
            return
        problems = schema_problems(kind, data)
        if problems:
            for path, reason in problems:
                self.problem(path, reason)
            self.declare(kind, data)
            return
        getattr(self, kind)(data, "")

    def declare(self, kind: str, data: dict) -> None:
        model = {
            "service": Service,
            "organization": Organization,
            "service_at_location": ServiceAtLocation,
            "taxonomy": Taxonomy,
            "taxonomy_term": TaxonomyTerm,
        }[kind]
        try:
            self.declared[model].add(uuid.UUID(data.get("id")))
        except (TypeError, ValueError, AttributeError):
            pass

    def check_references(self) -> None:
        missing: dict[type[models.Model], set[uuid.UUID]] = defaultdict(set)
        for reference in self.references:
            if (
                reference.id not in self.plan.rows[reference.model]
                and reference.id not in self.declared[reference.model]
            ):
                missing[reference.model].add(reference.id)
        known: dict[type[models.Model], set[uuid.UUID]] = {}
        for model, ids in missing.items():
            known[model] = set()
            id_list = list(ids)
            for start in range(0, len(id_list), 500):
                known[model].update(
                    model.objects.filter(pk__in=id_list[start : start + 500]).values_list("pk", flat=True)
                )
        for reference in self.references:
            if (
                reference.id in missing.get(reference.model, ())
                and reference.id not in known[reference.model]
            ):
                self.record, self.record_id = reference.record, reference.record_id
                self.problem(
                    reference.path,
                    f"names {_MODEL_WORDS[reference.model]} {reference.id}, which is "
                    "neither in this feed nor in the directory",
                )

    # -- entities (each given schema-valid data) ----------------------------

    def organization(self, data: dict, path: str) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        row: dict[str, Any] = {
            "name": data["name"],
            "description": _text(data, "description"),
            "email": _text(data, "email"),
            "website": _text(data, "website"),
            "logo": _text(data, "logo"),
            "uri": _text(data, "uri"),
            "parent_organization_id": _uuid(data.get("parent_organization_id")),
        }
        if row["parent_organization_id"] == pk:
            self.problem(
                _json_path(path, ["parent_organization_id"]), "an organization cannot be its own parent"
            )
        for key in ("organization_identifiers", "attributes"):
            if key in data:
                row[key] = data[key]
        self.json_attribute_terms(data, path)
        self.put(Organization, pk, row)
        for index, service in enumerate(data.get("services") or []):
            self.service(service, _json_path(path, ["services", index]), organization_id=pk)
        return pk

    def service(self, data: dict, path: str, organization_id: uuid.UUID | None = None) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        nested = (
            self.organization(data["organization"], _json_path(path, ["organization"]))
            if "organization" in data
            else None
        )
        given = _uuid(data.get("organization_id"))
        if given and nested and given != nested:
            self.problem(
                _json_path(path, ["organization_id"]), f"is {given}, but the organization given is {nested}"
            )
        own = nested or given
        if organization_id and own and own != organization_id:
            self.problem(
                _json_path(path, ["organization_id"]),
                f"is {own}, but the service is listed under organization {organization_id}",
            )
        if own is None:
            own = organization_id
        elif nested is None and organization_id is None:
            self.refer(Organization, own, _json_path(path, ["organization_id"]))

        minimum, maximum = _number(data, "minimum_age"), _number(data, "maximum_age")
        for key, value in (("minimum_age", minimum), ("maximum_age", maximum)):
            if value is not None and value < 0:
                self.problem(_json_path(path, [key]), f"must be 0 or more, not {_show(data[key])}")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(
                _json_path(path, ["minimum_age"]),
                f"is {_show(data['minimum_age'])}, more than maximum_age {_show(data['maximum_age'])}",
            )
        row: dict[str, Any] = {
            "organization_id": own,
            "name": data["name"],
            "description": _text(data, "description"),
            "url": _text(data, "url"),
            "email": _text(data, "email"),
            "status": data["status"],
            "fees": _text(data, "fees"),
            "accreditations": _text(data, "accreditations"),
            "eligibility_description": _text(data, "eligibility_description"),
            "minimum_age": minimum,
            "maximum_age": maximum,
            "assured_date": self.date(data, "assured_date", path),
            "assurer_email": _text(data, "assurer_email"),
            "alert": _text(data, "alert"),
            "last_modified": self.datetime(data, "last_modified", path),
        }
        for key in ("schedules", "service_areas", "languages", "funding", "cost_options"):
            if key in data:
                row[key] = data[key]
        self.put(Service, pk, row)

        if "service_at_locations" in data:
            ids = {
                self.service_at_location(
                    item, _json_path(path, ["service_at_locations", index]), service_id=pk
                )
                for index, item in enumerate(data["service_at_locations"])
            }
            self.complete(ServiceAtLocation, "service_id", pk, ids)
        if "contacts" in data:
            ids = {
                self.contact(item, _json_path(path, ["contacts", index]), service_id=pk)
                for index, item in enumerate(data["contacts"])
            }
            self.complete(Contact, "service_id", pk, ids)
        if "phones" in data:
            self.phones(data, owner="service_id", owner_id=pk)
        if "attributes" in data:
            ids = {
                self.service_attribute(item, _json_path(path, ["attributes", index]), service_id=pk)
                for index, item in enumerate(data["attributes"])
            }
            self.complete(ServiceAttribute, "service_id", pk, ids)
        return pk

    def service_at_location(self, data: dict, path: str, service_id: uuid.UUID | None = None) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        location_id = _uuid(data.get("location_id"))
        if "location" in data:
            nested = self.location(data["location"], _json_path(path, ["location"]))
            if location_id and location_id != nested:
                self.problem(
                    _json_path(path, ["location_id"]), f"is {location_id}, but the location given is {nested}"
                )
            location_id = nested
        elif location_id:
            self.refer(Location, location_id, _json_path(path, ["location_id"]))
        else:
            self.problem(path, "needs a location (location or location_id)")

        own_service = _uuid(data.get("service_id"))
        if service_id is not None:
            if own_service and own_service != service_id:
                self.problem(
                    _json_path(path, ["service_id"]),
                    f"is {own_service}, but it is listed under service {service_id}",
                )
            own_service = service_id
        elif "service" in data:
            nested = self.service(data["service"], _json_path(path, ["service"]))
            if own_service and own_service != nested:
                self.problem(
                    _json_path(path, ["service_id"]), f"is {own_service}, but the service given is {nested}"
                )
            own_service = nested
        elif own_service:
            self.refer(Service, own_service, _json_path(path, ["service_id"]))
        else:
            self.problem(path, "needs a service (service or service_id)")
        if location_id and own_service:
            self.put(ServiceAtLocation, pk, {"service_id": own_service, "location_id": location_id})
        return pk

    def location(self, data: dict, path: str) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        row: dict[str, Any] = {
            "location_type": data["location_type"],
            "name": _text(data, "name"),
            "description": _text(data, "description"),
            "latitude": _number(data, "latitude"),
            "longitude": _number(data, "longitude"),
            "external_identifier": _text(data, "external_identifier"),
            "external_identifier_type": _text(data, "external_identifier_type"),
        }
        for key in ("accessibility", "attributes"):
            if key in data:
                row[key] = data[key]
        self.json_attribute_terms(data, path)
        self.put(Location, pk, row)
        if "addresses" in data:
            ids = {
                self.address(item, _json_path(path, ["addresses", index]), location_id=pk)
                for index, item in enumerate(data["addresses"])
            }
            self.complete(Address, "location_id", pk, ids)
        if "phones" in data:
            self.phones(data, owner="location_id", owner_id=pk)
        return pk

    def address(self, data: dict, path: str, location_id: uuid.UUID) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        given = _uuid(data.get("location_id"))
        if given and given != location_id:
            self.problem(
                _json_path(path, ["location_id"]),
                f"is {given}, but the address is listed under location {location_id}",
            )
        postal_code, district = _postcode(data["postal_code"])
        row: dict[str, Any] = {
            "location_id": location_id,
            "attention": _text(data, "attention"),
            "address_1": data["address_1"],
            "city": data["city"],
            "region": _text(data, "region"),
            "state_province": data["state_province"],
            "postal_code": postal_code,
            "postcode_district": district,
            "country": data["country"],
            "address_type": data["address_type"],
        }
        if "attributes" in data:
            row["attributes"] = data["attributes"]
        self.json_attribute_terms(data, path)
        self.put(Address, pk, row)
        return pk

    def contact(self, data: dict, path: str, service_id: uuid.UUID) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        given = _uuid(data.get("service_id"))
        if given and given != service_id:
            self.problem(
                _json_path(path, ["service_id"]),
                f"is {given}, but the contact is listed under service {service_id}",
            )
        row: dict[str, Any] = {
            "service_id": service_id,
            "name": _text(data, "name"),
            "title": _text(data, "title"),
            "email": _text(data, "email"),
        }
        if "attributes" in data:
            row["attributes"] = data["attributes"]
        self.json_attribute_terms(data, path)
        self.put(Contact, pk, row)
        if "phones" in data:
            self.phones(data, owner="contact_id", owner_id=pk)
        return pk

    def phones(self, data: dict, *, owner: str, owner_id: uuid.UUID) -> None:
        ids = set()
        for phone in data["phones"]:
            pk = uuid.UUID(phone["id"])
            row: dict[str, Any] = {
                "service_id": None,
                "contact_id": None,
                "location_id": None,
                owner: owner_id,
                "number": phone["number"],
                "description": _text(phone, "description"),
            }
            if "languages" in phone:
                row["languages"] = phone["languages"]
            self.put(Phone, pk, row)
            ids.add(pk)
        self.complete(Phone, owner, owner_id, ids)

    def service_attribute(self, data: dict, path: str, service_id: uuid.UUID) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        term_id = _uuid(data.get("taxonomy_term_id"))
        if isinstance(data.get("taxonomy_term"), dict):
            nested = self.taxonomy_term(data["taxonomy_term"], _json_path(path, ["taxonomy_term"]))
            if term_id and term_id != nested:
                self.problem(
                    _json_path(path, ["taxonomy_term_id"]),
                    f"is {term_id}, but the taxonomy term given is {nested}",
                )
            term_id = nested
        elif term_id:
            self.refer(TaxonomyTerm, term_id, _json_path(path, ["taxonomy_term_id"]))
        else:
            self.problem(path, "needs a taxonomy term (taxonomy_term or taxonomy_term_id)")
            return pk
        self.put(
            ServiceAttribute,
            pk,
            {"service_id": service_id, "taxonomy_term_id": term_id, "link_type": _text(data, "link_type")},
        )
        return pk

    def json_attribute_terms(self, data: dict, path: str) -> None:
        """Terms nested in the attributes of anything but a service: kept as terms of the directory too."""
        for index, attribute in enumerate(data.get("attributes") or []):
            if isinstance(attribute.get("taxonomy_term"), dict):
                self.taxonomy_term(
                    attribute["taxonomy_term"], _json_path(path, ["attributes", index, "taxonomy_term"])
                )

    def taxonomy(self, data: dict, path: str) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        self.put(
            Taxonomy,
            pk,
            {
                "name": data["name"],
                "description": data["description"],
                "uri": _text(data, "uri"),
                "version": _text(data, "version"),
            },
        )
        for index, term in enumerate(data.get("taxonomy_terms") or []):
            self.taxonomy_term(term, _json_path(path, ["taxonomy_terms", index]), taxonomy_id=pk)
        return pk

    def taxonomy_term(self, data: dict, path: str, taxonomy_id: uuid.UUID | None = None) -> uuid.UUID:
        pk = uuid.UUID(data["id"])
        given = _uuid(data.get("taxonomy_id"))
        if given and taxonomy_id and given != taxonomy_id:
            self.problem(
                _json_path(path, ["taxonomy_id"]),
                f"is {given}, but the term is listed under taxonomy {taxonomy_id}",
            )
        parent = _uuid(data.get("parent_id"))
        if parent == pk:
            self.problem(_json_path(path, ["parent_id"]), "a term cannot be its own parent")
        self.put(
            TaxonomyTerm,
            pk,
            {
                "name": data["name"],
                "description": data["description"],
                "term": _text(data, "term"),
                "term_uri": _text(data, "term_uri"),
                "taxonomy_name": _text(data, "taxonomy"),
                "taxonomy_id": given or taxonomy_id,
                "parent_id": parent,
            },
        )
        return pk

    # -- values -------------------------------------------------------------

    def date(self, data: dict, key: str, path: str) -> datetime.date | None:
        value = data.get(key)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(_json_path(path, [key]), f"must be a date like 2024-03-31, not {_show(value)}")
            return None

    def datetime(self, data: dict, key: str, path: str) -> datetime.datetime | None:
        value = data.get(key)
        if not value:
            return None
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.problem(
                _json_path(path, [key]),
                f"must be a date and time like 2024-03-31T10:30:00Z, not {_show(value)}",
            )
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
