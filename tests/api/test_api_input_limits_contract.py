"""The API contract bounds every input, so that a new endpoint cannot forget (issue 12).

Every integer a client sends has a maximum (ids and page numbers reach the database, where a number past 64
bits is a server error), every string a maximum length, every list a maximum number of items and every
free-form object a maximum number of properties.
"""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import BaseModel

from casework.core.api import InputSchema
from config.api import api

# Strings whose format or enumeration bounds them already.
BOUNDED_FORMATS = {"date", "date-time", "uuid", "time"}


def _schema():
    return api.get_openapi_schema()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        for key in node["$ref"].removeprefix("#/").split("/"):
            schema = schema[key]
        node = schema
    return node


def unbounded(schema: dict, node: dict, where: str, seen: frozenset = frozenset()) -> list[str]:
    """The places under `node` that take input without a bound."""
    ref = node.get("$ref")
    if ref in seen:
        return []
    if ref:
        seen = seen | {ref}
    node = _resolve(schema, node)
    problems: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            problems += unbounded(schema, option, where, seen)
    kind = node.get("type")
    if kind == "integer" and "maximum" not in node and "exclusiveMaximum" not in node:
        problems.append(f"{where}: integer without a maximum")
    if (
        kind == "string"
        and "enum" not in node
        and "const" not in node
        and "maxLength" not in node
        and node.get("format") not in BOUNDED_FORMATS
    ):
        problems.append(f"{where}: string without maxLength")
    if kind == "array":
        if "maxItems" not in node:
            problems.append(f"{where}: array without maxItems")
        problems += unbounded(schema, node.get("items", {}), f"{where}[]", seen)
    if kind == "object" or "properties" in node:
        for name, prop in node.get("properties", {}).items():
            problems += unbounded(schema, prop, f"{where}.{name}", seen)
        extra = node.get("additionalProperties")
        if extra not in (None, False):
            if "maxProperties" not in node:
                problems.append(f"{where}: object without maxProperties")
            if isinstance(extra, dict):
                problems += unbounded(schema, extra, f"{where}{{}}", seen)
    return problems


def contract_problems(schema: dict) -> list[str]:
    problems = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                place = f"{where} {parameter['in']} {parameter['name']}"
                problems += unbounded(schema, parameter["schema"], place)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                problems += unbounded(schema, media["schema"], f"{where} body")
    return problems


def operations():
    """(path, operation) for every operation of the API."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{prefix}{path}", operation


def test_every_input_of_the_api_is_bounded():
    problems = contract_problems(_schema())
    assert problems == []


def test_every_input_model_is_bounded_too():
    """The models behind each operation, walked one by one: two schemas of one name (one shadowing the other
    in the contract's components) cannot hide an unbounded field."""
    problems = []
    for path, operation in operations():
        for model in operation.models:
            schema = model.model_json_schema()
            place = f"{operation.methods} {path} {model.__ninja_param_source__}"
            problems += unbounded(schema, schema, place)
    assert problems == []


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation)
    for argument in get_args(annotation):
        yield from _models_in(argument)


def test_every_body_and_query_schema_refuses_nul_characters():
    """Each schema a client fills is an InputSchema (core/api.py), which refuses text holding NUL; text taken
    outside a schema (a plain str argument of the view) would escape it."""
    escaping = set()
    for path, operation in operations():
        for model in operation.models:
            for name, field in model.model_fields.items():
                schemas = list(_models_in(field.annotation))
                escaping |= {
                    f"{path} {schema.__name__}" for schema in schemas if not issubclass(schema, InputSchema)
                }
                if not schemas and _takes_text(model.model_json_schema()["properties"][name]):
                    escaping.add(f"{path} {name}")
    assert escaping == set()


def _takes_text(node: dict) -> bool:
    options = node.get("anyOf", [node])
    return any(
        option.get("type") == "string" and "enum" not in option and "format" not in option
        for option in options
    )


@pytest.mark.parametrize(
    "node, problem",
    [
        ({"type": "integer"}, "integer without a maximum"),
        ({"type": "string"}, "string without maxLength"),
        ({"type": "array", "items": {"type": "string", "maxLength": 5}}, "array without maxItems"),
        ({"type": "array", "maxItems": 3, "items": {"type": "integer"}}, "integer without a maximum"),
        ({"type": "object", "additionalProperties": True}, "object without maxProperties"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer without a maximum"),
    ],
)
def test_the_walk_finds_what_is_unbounded(node, problem):
    schema = {"components": {"schemas": {"In": {"type": "object", "properties": {"field": node}}}}}
    where = "body.field[]" if node.get("maxItems") else "body.field"
    assert unbounded(schema, {"$ref": "#/components/schemas/In"}, "body") == [f"{where}: {problem}"]


def test_the_walk_accepts_what_is_bounded():
    schema = {"components": {"schemas": {}}}
    node = {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1, "maximum": 9},
            "name": {"type": "string", "maxLength": 9},
            "on": {"type": "string", "format": "date"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "ids": {"type": "array", "maxItems": 3, "items": {"type": "integer", "maximum": 9}},
        },
    }
    assert unbounded(schema, node, "body") == []
