"""Every page and API operation that takes an id, read from the URL patterns and the OpenAPI contract, so that
a new endpoint is in the persona matrix without anyone adding it."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "/api/v1"
# What a page is sent: a read, and a write with an empty form (PUT, PATCH and DELETE are the API's).
PAGE_METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Route:
    """A page (`name` is its URL name, "people:person_detail") or an API operation (`name` is its path under
    /api/v1, "/cases/{case_id}/close"), with the parameters its path takes and the methods it answers."""

    kind: str  # "page" or "api"
    name: str
    params: tuple[str, ...]
    methods: tuple[str, ...]
    # The API operation's JSON body schema and required query parameters (none for a page).
    body_schema: dict | None = None
    query: tuple[tuple[str, dict], ...] = ()

    @property
    def id(self) -> str:
        return self.name if self.kind == "page" else f"api:{self.name}"

    def url(self, values: dict[str, Any]) -> str:
        if self.kind == "page":
            return reverse(self.name, kwargs={param: values[param] for param in self.params})
        path = self.name
        for param in self.params:
            path = path.replace(f"{{{param}}}", str(values[param]))
        return API_PREFIX + path


def _walk(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(API_PREFIX.strip("/")):
                continue  # the API's operations come from its OpenAPI contract
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


@cache
def page_routes() -> tuple[Route, ...]:
    routes = []
    for namespace, pattern in _walk(get_resolver()):
        params = tuple(pattern.pattern.regex.groupindex)
        if not params:
            continue
        if not pattern.name:
            raise AssertionError(
                f"The URL pattern {pattern.pattern} takes {params} but has no name: name it, "
                "so that the persona matrix can reach it"
            )
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        routes.append(Route(kind="page", name=name, params=params, methods=PAGE_METHODS))
    return tuple(sorted(routes, key=lambda r: r.name))


@cache
def openapi_schema() -> dict:
    from config.api import api

    return api.get_openapi_schema()


@cache
def api_routes() -> tuple[Route, ...]:
    routes = []
    for path, operations in openapi_schema()["paths"].items():
        params = tuple(re.findall(r"{(\w+)}", path))
        if not params:
            continue
        for method, operation in operations.items():
            body = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            )
            query = tuple(
                (p["name"], p.get("schema", {}))
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p.get("required")
            )
            routes.append(
                Route(
                    kind="api",
                    name=path.removeprefix(API_PREFIX),
                    params=params,
                    methods=(method.upper(),),
                    body_schema=body,
                    query=query,
                )
            )
    return tuple(sorted(routes, key=lambda r: (r.name, r.methods)))


def all_routes() -> tuple[Route, ...]:
    return page_routes() + api_routes()


def example(schema: dict | None) -> Any:
    """The smallest value the schema accepts: required fields only, each the first choice or a plain value."""
    if schema is None:
        return None
    components = openapi_schema()["components"]["schemas"]
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[1]])
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"]
            return example(options[0])
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        # With the version the record was read at, if the body has one: a request without it is refused with
        # 422 before anything else is looked at, whoever sends it.
        names = [
            *schema.get("required", []),
            *(["version"] if "version" in schema.get("properties", {}) else []),
        ]
        return {name: example(schema["properties"][name]) for name in names}
    if kind == "array":
        return [example(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    formats = {
        "date": datetime.date.today().isoformat(),
        "date-time": datetime.datetime.now(datetime.UTC).isoformat(),
        "uuid": str(uuid.uuid4()),
        "email": "someone@example.com",
    }
    return formats.get(schema.get("format"), "A reason given in full")
