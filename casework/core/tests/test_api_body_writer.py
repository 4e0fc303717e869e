"""BodyWriter writes a schema's JSON from plain dicts: the schema's fields only, and no wrong types."""

import datetime
import json

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from casework.core.api import BodyWriter


class Row(BaseModel):
    id: int
    name: str | None
    raised_at: datetime.datetime


class RowPage(BaseModel):
    items: list[Row]
    has_next: bool


def _row(**changes):
    return {
        "id": 1,
        "name": "A",
        "raised_at": datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
        "secret": "not in the schema",
        **changes,
    }


def test_it_writes_what_the_schema_would_write_and_nothing_else():
    data = {"items": [_row(), _row(id=2, name=None)], "has_next": False}
    response = BodyWriter(RowPage).response(data)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body == json.loads(RowPage.model_validate(data).model_dump_json())
    assert "secret" not in body["items"][0]
    assert body["items"][0]["raised_at"] == "2026-01-02T03:04:05.000006Z"


def test_a_value_of_the_wrong_type_is_an_error_not_a_guess():
    with pytest.raises(PydanticSerializationError):
        BodyWriter(RowPage).response({"items": [_row(id="1")], "has_next": False})
