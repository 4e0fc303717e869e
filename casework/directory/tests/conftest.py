"""Fixtures for the directory: the official ORUK 3.0 schemas and examples, and feeds built to order."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from casework.directory import importer, services
from casework.directory.choices import need_term_id

# The official schemas and examples, vendored in the repository with their licence (the importer's own copy).
STANDARDS_DIR = importer.ORUK_DIR
EXAMPLE_FILES = sorted(p.name for p in (STANDARDS_DIR / "examples").glob("*.json"))


def _require_standards() -> None:
    if not (STANDARDS_DIR / "schema" / "compiled").is_dir():
        pytest.fail(f"The vendored Open Referral UK 3.0 standard is missing: {STANDARDS_DIR}")


def example(name: str) -> Any:
    _require_standards()
    return json.loads((STANDARDS_DIR / "examples" / name).read_text())


def _official_registry() -> Registry:
    resources = [
        (p.name, Resource(contents=json.loads(p.read_text()), specification=DRAFT202012))
        for p in (STANDARDS_DIR / "schema").glob("*.json")
    ]
    return Registry().with_resources(resources)


def official_schema(name: str) -> dict:
    """A schema of the standard: "compiled/service.json", or an entity one such as "taxonomy.json"."""
    _require_standards()
    return json.loads((STANDARDS_DIR / "schema" / name).read_text())


def page_schema(item_schema: dict) -> dict:
    """The ORUK page (openapi.json components.schemas.Page) whose contents are items of `item_schema`."""
    page = json.loads((STANDARDS_DIR / "schema" / "openapi.json").read_text())["components"]["schemas"][
        "Page"
    ]
    return {
        "allOf": [page],
        "required": [*page["properties"], "contents"],
        "properties": {"contents": {"type": "array", "items": item_schema}},
    }


def assert_valid(instance: Any, schema: dict) -> None:
    validator = Draft202012Validator(
        schema, registry=_official_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, "\n".join(
        f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
    )


def contains(served: Any, given: Any, path: str = "") -> list[str]:
    """Where `served` differs from `given`, ignoring what `served` adds; numbers compare by value."""
    if isinstance(given, dict):
        if not isinstance(served, dict):
            return [f"{path}: not an object"]
        return [
            diff
            for key, value in given.items()
            for diff in (
                contains(served[key], value, f"{path}.{key}") if key in served else [f"{path}.{key}: missing"]
            )
        ]
    if isinstance(given, list):
        if not isinstance(served, list) or len(served) != len(given):
            return [
                f"{path}: {len(served) if isinstance(served, list) else served!r} items, not {len(given)}"
            ]
        return [
            diff
            for index, (s, g) in enumerate(zip(served, given, strict=True))
            for diff in contains(s, g, f"{path}[{index}]")
        ]
    return [] if served == given else [f"{path}: {served!r} is not {given!r}"]


# ---------------------------------------------------------------------------
# Feeds built to order
# ---------------------------------------------------------------------------

_NS = uuid.UUID("8a7b9f0e-1c2d-4e3f-a4b5-c6d7e8f90a1b")


def uid(*parts: Any) -> str:
    return str(uuid.uuid5(_NS, "/".join(map(str, parts))))


def needs_taxonomy_record(*extra_terms: dict) -> dict:
    from casework.demo.directory import needs_taxonomy

    record = needs_taxonomy()
    record["taxonomy_terms"].extend(extra_terms)
    return record


def service_record(
    n: int,
    *,
    district: str | None = "RG1",
    needs: tuple[str, ...] = ("food",),
    name: str = "",
    description: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    status: str = "active",
    town: str = "Casterbridge",
    **extra: Any,
) -> dict:
    """A fully nested ORUK service: an organisation, a location (none when district is None), a contact with
    a phone, a phone, and attributes linking the needs."""
    record: dict[str, Any] = {
        "id": uid("service", n),
        "name": name or f"Service {n}",
        "status": status,
        "description": description or f"Made-up service number {n}",
        "email": f"service{n}@example.org",
        "organization": {"id": uid("org", n), "name": f"Organisation {n}", "description": "Made up"},
        "phones": [{"id": uid("phone", n), "number": f"0118 496 0{n % 1000:03d}"}],
        "contacts": [
            {
                "id": uid("contact", n),
                "name": "Reception",
                "phones": [{"id": uid("contact-phone", n), "number": f"0118 496 0{(n + 500) % 1000:03d}"}],
            }
        ],
        "attributes": [
            {
                "id": uid("attribute", n, need),
                "link_type": "need",
                "taxonomy_term_id": str(need_term_id(need)),
            }
            for need in needs
        ],
        "service_at_locations": [],
    }
    if district:
        record["service_at_locations"] = [
            {
                "id": uid("sal", n),
                "location": {
                    "id": uid("location", n),
                    "location_type": "physical",
                    "name": f"Hall {n}",
                    "addresses": [
                        {
                            "id": uid("address", n),
                            "address_1": f"{n} High Street",
                            "city": town,
                            "state_province": "Wessex",
                            "postal_code": f"{district} 1AB",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ]
    if min_age is not None:
        record["minimum_age"] = min_age
    if max_age is not None:
        record["maximum_age"] = max_age
    record.update(extra)
    return record


def page_of(records: list[dict]) -> dict:
    return {
        "total_items": len(records),
        "total_pages": 1,
        "page_number": 1,
        "size": len(records),
        "first_page": True,
        "last_page": True,
        "empty": not records,
        "contents": records,
    }


def import_documents(*documents: Any, feed: str = "test feed", **kwargs: Any) -> services.ImportResult:
    return services.directory_import(
        records=importer.records_of(copy.deepcopy(list(documents))), feed=feed, **kwargs
    )


@pytest.fixture
def needs(db):
    """The Casework needs taxonomy, imported."""
    return import_documents(needs_taxonomy_record())


@pytest.fixture
def demo(db, settings):
    from casework.demo.directory import build_directory_demo

    settings.DEBUG = True
    return build_directory_demo()
