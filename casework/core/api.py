"""Helpers the apps' API modules share: the bounded input types and the schema every input is built on,
pages of results, and the record version from If-Match or the body."""

from __future__ import annotations

import datetime
import re
from functools import cache
from types import UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from casework.core import limits
from casework.core.errors import ValidationFailed
from casework.core.querysets import Pager

T = TypeVar("T")
MAX_PAGE_SIZE = 100

# Every id, page and version a client sends is bounded (a number past 64 bits is a 422, never a database
# error), and every piece of text has a length: the contract shows both (tests/api checks none is missing).
Id = Annotated[int, Field(ge=1, le=limits.MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=limits.MAX_PAGE)]
Version = Annotated[int, Field(ge=1, le=limits.MAX_VERSION)]
Uprn = Annotated[int, Field(ge=1, le=limits.MAX_UPRN, description="Unique Property Reference Number")]
Code = Annotated[str, StringConstraints(max_length=limits.CODE_LENGTH)]  # a choice's code
Name = Annotated[str, StringConstraints(max_length=limits.NAME_LENGTH)]  # a name or a short line
Note = Annotated[str, StringConstraints(max_length=limits.NOTE_LENGTH)]  # a note or a reason
Text = Annotated[str, StringConstraints(max_length=limits.TEXT_LENGTH)]  # longer free text

# Text the contract says is free of NUL characters (InputSchema refuses them), and text that must say
# something: not only the characters str.strip() takes away, which the services refuse with a message.
NUL_FREE = r"^[^\x00]*$"
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


def said(max_length: int):
    """Text that must be given, not blank: the contract says so, the service's message says it to people."""
    schema = {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK}
    return Annotated[str, StringConstraints(max_length=max_length), WithJsonSchema(schema)]


SaidName = said(limits.NAME_LENGTH)
SaidNote = said(limits.NOTE_LENGTH)
SaidText = said(limits.TEXT_LENGTH)


def one_of(choices, *, blank: bool = False):
    """A code of a fixed list (Django choices, or the codes themselves), with "" too when `blank` (not given).

    The contract lists the codes; the service refuses any other, with a message saying what to choose.
    """
    codes = [str(code) for code in getattr(choices, "values", choices)]
    schema = {"type": "string", "enum": [""] * blank + codes}
    return Annotated[str, StringConstraints(max_length=limits.CODE_LENGTH), WithJsonSchema(schema)]


class FieldErrorOut(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """The one error body: what went wrong, and each field at fault."""

    detail: str
    errors: list[FieldErrorOut]


def _plausible(allow_future: bool):
    def check(value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        problem = limits.date_problem(day, allow_future=allow_future)
        if problem:
            raise PydanticCustomError("implausible_date", f"The date {problem}")
        return value

    return AfterValidator(check)


EventDate = Annotated[datetime.date, _plausible(allow_future=False)]  # the day something happened: not ahead
PlannedDate = Annotated[datetime.date, _plausible(allow_future=True)]  # due or planned: up to YEARS_AHEAD on
PlausibleDateTime = Annotated[datetime.datetime, _plausible(allow_future=True)]


DATE_TIME_MESSAGE = "Enter a date and time as YYYY-MM-DDThh:mm:ss with its offset (Z or +01:00)"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


@cache
def _kinds(annotation) -> frozenset:
    """The plain types a field's annotation takes: through Annotated, unions and Optional."""
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return frozenset().union(*(_kinds(arg) for arg in get_args(annotation)))
    return frozenset({annotation}) if isinstance(annotation, type) else frozenset()


def _nul_free(schema: dict) -> None:
    """Every string of the schema NUL-free (a pattern), unless a pattern, format or enum says more."""
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema):
        schema["pattern"] = NUL_FREE
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for option in schema.get(key, ()):
            _nul_free(option)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _nul_free(schema[key])
    for prop in schema.get("properties", {}).values():
        _nul_free(prop)


class InputSchema(Schema):
    """What every request body and query schema is built on: text holding a NUL character is refused
    (PostgreSQL cannot store it), with the field named, wherever it is (in a list, in a free-form object), and
    the contract says so of every string."""

    model_config = ConfigDict(json_schema_extra=lambda schema, model: _nul_free(schema))

    @field_validator("*", mode="before")
    @classmethod
    def _as_the_contract_says(cls, value, info: ValidationInfo):
        """Yes/no as true or false (or their words in a query string), never a number, and a number never true
        or false; dates and times as the contract's formats say (RFC 3339), never a number or another way of
        writing them."""
        field = cls.model_fields.get(info.field_name or "")
        annotation: Any = field.annotation if field is not None else None  # hashable: types and their forms
        kinds = _kinds(annotation) if annotation is not None else frozenset()
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if bool in kinds and number and not kinds & {int, float}:
            raise PydanticCustomError("bool_type", "Input should be true or false")
        if isinstance(value, bool) and kinds & {int, float} and bool not in kinds:
            raise PydanticCustomError("int_type", "Input should be a number, not true or false")
        if datetime.datetime in kinds and not (isinstance(value, str) and _DATE_TIME.fullmatch(value)):
            if isinstance(value, str) or number:
                raise PydanticCustomError(
                    "datetime_format",
                    "Enter a date and time as YYYY-MM-DDThh:mm:ss with its offset (Z or +01:00)",
                )
        elif datetime.date in kinds and (number or (isinstance(value, str) and not _DATE.fullmatch(value))):
            raise PydanticCustomError("date_format", "Enter a date as YYYY-MM-DD")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value):
        if limits.has_nul(value):
            raise PydanticCustomError("nul_character", limits.NUL_MESSAGE)
        return value


class PageParams(InputSchema):
    page: PageNumber = 1
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    with_count: bool = Field(
        False, description="Also count every matching row (costs a query); has_next is always given"
    )


class Page(Schema, Generic[T]):
    items: list[T]
    count: int | None
    page: int
    page_size: int
    has_next: bool


def paginate(qs: QuerySet, params: PageParams) -> tuple[list, dict]:
    """One page of a queryset, and whether there is a next; the total only when asked (it costs a count)."""
    shown = Pager.of_params(params).cut(qs)
    return shown.rows, shown.meta()


_VERSION = re.compile(r"[0-9]{1,10}")


def expected_version(request, body_version: int | None) -> int:
    """The version the client last read: If-Match ("3" or W/"3") or the body's `version` field."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not _VERSION.fullmatch(value) or int(value) > limits.MAX_VERSION:
            raise ValidationFailed(
                "If-Match must be the record's version, as given in its ETag", field="If-Match"
            )
        return int(value)
    if body_version is None:
        raise ValidationFailed(
            "Send the version you last read, as If-Match or a version field", field="version"
        )
    return body_version


def etag(version: int) -> str:
    return f'"{version}"'


class BodyWriter:
    """A response schema's JSON written by pydantic-core straight from plain dicts, for the hottest lists.

    ninja would validate the dicts into models and dump them back before writing (0.16 ms of 0.24 for a
    50-case page). This writes the same JSON from a TypedDict twin of the schema: only the schema's fields
    are written (in the dicts' order), in its formats, and a value of the wrong type is an error.
    """

    def __init__(self, schema: type[BaseModel]):
        self._adapter: TypeAdapter[Any] = TypeAdapter(_typed_dict(schema))

    def response(self, data: dict[str, Any], status: int = 200) -> HttpResponse:
        return HttpResponse(
            self._adapter.dump_json(data, warnings="error"),
            status=status,
            content_type="application/json; charset=utf-8",
        )


@cache
def _typed_dict(schema: type[BaseModel]) -> type:
    # A TypedDict made at run time, from the schema's fields: mypy only checks literal ones.
    return TypedDict(  # type: ignore[operator]
        f"{schema.__name__}Body",
        {name: _plain(field.annotation) for name, field in schema.model_fields.items()},
    )


def _plain(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _typed_dict(annotation)
    if get_origin(annotation) is list:
        return list[_plain(get_args(annotation)[0])]
    return annotation
