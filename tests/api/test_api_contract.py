"""The OpenAPI contract names each body and answer once: django-ninja files a schema under its class name, so
two apps' classes of one name and different fields would leave one operation described with the other's."""

import importlib
import inspect
import json
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

import casework


def _api_schemas():
    for api_module in sorted(Path(casework.__file__).parent.glob("*/api.py")):
        module = importlib.import_module(f"casework.{api_module.parent.name}.api")
        for value in vars(module).values():
            ours = value.__module__ == module.__name__ if inspect.isclass(value) else False
            if ours and issubclass(value, BaseModel):
                yield value


def test_no_two_schemas_of_the_api_share_a_name_but_not_their_fields():
    by_name = defaultdict(dict)
    for schema in _api_schemas():
        by_name[schema.__name__][json.dumps(schema.model_json_schema(), sort_keys=True)] = schema.__module__
    clashes = {name: sorted(shapes.values()) for name, shapes in by_name.items() if len(shapes) > 1}
    assert not clashes, f"Schemas of one name and different fields (rename one of each): {clashes}"


def test_the_contract_describes_the_body_each_operation_takes(client, db):
    from casework.allocation.api import ReassignIn
    from casework.cases.api import CloseIn

    contract = client.get("/api/v1/openapi.json").json()
    taking = {"/api/v1/cases/{case_id}/close": CloseIn, "/api/v1/cases/{case_id}/reassign": ReassignIn}
    for path, taken in taking.items():
        body = contract["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        described = contract["components"]["schemas"][body.rsplit("/", 1)[1]]
        assert sorted(described["properties"]) == sorted(taken.model_fields), path
