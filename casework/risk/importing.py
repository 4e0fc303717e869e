"""Reading a source file and checking each row: the SAVVI attribute CSV, or a council extract (CSV or JSON
Lines) through the source's saved column mapping. No database here.

A file is read a row at a time (never whole into memory). Each row becomes a CheckedRow, or the problems that
keep it out, with its line: the row is skipped and the rest go on. A file that cannot be read as its format at
all (no header, a mapped column missing) is a FileUnreadable: nothing of it is imported.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError

from casework.core import limits
from casework.people.identifiers import normalise_nhs_number, normalise_postcode
from casework.risk.choices import AttributeType, SourceFormat

# The fields a row maps onto, with the SAVVI attribute CSV's column for each (standards: "Sending Attribute
# Data to the Lead Organisation"). NHSNumber is Casework's addition: SAVVI's message has no NHS number, but a
# source that holds one should send it (it is how most records are matched).
SAVVI_COLUMNS: dict[str, str] = {
    "person_reference": "PersonReference",
    "given_names": "GivenNames",
    "family_name": "FamilyName",
    "alias": "Alias",
    "birth_date": "BirthDate",
    "gender": "Gender",
    "uprn": "UPRN",
    "address_1": "Address1",
    "address_2": "Address2",
    "address_3": "Address3",
    "address_4": "Address4",
    "address_5": "Address5",
    "postcode": "Postcode",
    "attribute_type": "AttributeType",
    "attribute_scheme": "AttributeScheme",
    "attribute": "Attribute",
    "attribute_date": "AttributeDate",
    "source_system": "SourceSystem",
    "extracted_on": "ExtractedOn",
    "nhs_number": "NHSNumber",
}
FIELDS = tuple(SAVVI_COLUMNS)
FIELD_LABELS = {
    "person_reference": "Person reference",
    "given_names": "Given names",
    "family_name": "Family name",
    "alias": "Alias",
    "birth_date": "Date of birth",
    "gender": "Gender",
    "uprn": "UPRN",
    "postcode": "Postcode",
    "attribute_type": "Attribute type",
    "attribute_scheme": "Attribute scheme",
    "attribute": "Attribute (the term)",
    "attribute_date": "Attribute date",
    "source_system": "Source system",
    "extracted_on": "Extracted on",
    "nhs_number": "NHS number",
    **{f"address_{n}": f"Address line {n}" for n in range(1, 6)},
}
# The SAVVI message's required fields; a council extract needs a reference and a factor (its scheme and
# term may be fixed for the whole source: a frailty list is all nhs/frailty).
SAVVI_REQUIRED = ("person_reference", "uprn", "attribute_type", "attribute")
MAPPED_REQUIRED = ("person_reference", "attribute_scheme", "attribute")

GENDERS = {"male": "male", "female": "female", "other": "other", "unknown": "unknown"}
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
_UPRN = re.compile(r"^[0-9]{1,12}$")
_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?$")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
MAX_REFERENCE = 100
MAX_CODE = 100
MAX_LINE_CHARS = 20_000  # a JSON line, or a CSV field, longer than this is not a row of a source extract


class FileUnreadable(Exception):
    """The file cannot be read as its source's format: nothing of it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str
    field: str = ""


@dataclass
class CheckedRow:
    """A row that passed every check, in normal form."""

    line: int
    person_reference: str
    attribute_type: str
    scheme: str
    term: str
    nhs_number: str = ""
    given_names: str = ""
    family_name: str = ""
    alias: str = ""
    birth_date: str = ""
    gender: str = ""
    uprn: int | None = None
    address: str = ""
    postcode: str = ""
    attribute_date: datetime.date | None = None
    source_system: str = ""
    extracted_on: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)


def file_sha256(path: Path) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size, read a megabyte at a time."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def count_lines(path: Path) -> int:
    """How many lines the file has (for a progress bar), read a megabyte at a time."""
    lines = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return lines


def mapping_for(file_format: str, column_mapping: dict[str, str]) -> dict[str, str]:
    """{field: column} to read: the SAVVI columns for the SAVVI CSV, else the source's saved mapping."""
    if file_format == SourceFormat.SAVVI_CSV:
        return dict(SAVVI_COLUMNS)
    return {name: column for name, column in column_mapping.items() if column}


def mapping_problems(file_format: str, column_mapping: dict, fixed_values: dict) -> dict[str, str]:
    """{field: message} for a saved mapping that could not import a row: unknown fields, a required field
    neither mapped nor fixed, an attribute type not SAVVI's. {} when it is sound."""
    problems: dict[str, str] = {}
    for name in (*column_mapping, *fixed_values):
        if name not in FIELDS:
            problems[name] = f"‘{name}’ is not a field a source can map: use one of {', '.join(FIELDS)}"
    for name, column in column_mapping.items():
        if not isinstance(column, str) or len(column) > limits.NAME_LENGTH:
            problems[name] = f"The column for {FIELD_LABELS.get(name, name)} must be a column name"
    for name, value in fixed_values.items():
        if not isinstance(value, str) or len(value) > limits.NAME_LENGTH:
            problems[name] = f"The value for {FIELD_LABELS.get(name, name)} must be text"
    if file_format != SourceFormat.SAVVI_CSV:
        for name in MAPPED_REQUIRED:
            if not column_mapping.get(name) and not fixed_values.get(name):
                problems.setdefault(
                    name, f"Map a column to {FIELD_LABELS[name].lower()}, or give a value for every row"
                )
    fixed_type = fixed_values.get("attribute_type")
    if isinstance(fixed_type, str) and fixed_type and fixed_type.lower() not in AttributeType.values:
        problems["attribute_type"] = "The attribute type must be Circumstance, Event, Service or Risk"
    for name in ("attribute_scheme", "attribute"):
        value = fixed_values.get(name)
        if isinstance(value, str) and value and code_for(value) is None:
            problems[name] = f"{FIELD_LABELS[name]} must be letters, digits, _ . + or - (no spaces or /)"
    return problems


def _text_stream(binary: IO[bytes]) -> io.TextIOWrapper:
    # A byte order mark is dropped; a byte that is not UTF-8 becomes U+FFFD, and the row holding it is refused
    # (checked per row), so that one bad byte does not stop the file.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")


def raw_rows(
    binary: IO[bytes], file_format: str, mapping: dict[str, str]
) -> Iterator[tuple[int, dict | None]]:
    """(line, {field: text}) for each row of the file, mapped onto the fields; (line, None) for a line that is
    not a row at all (broken JSON). Raises FileUnreadable for a file with no header or a column missing."""
    text = _text_stream(binary)
    if file_format == SourceFormat.JSON_LINES:
        yield from _json_rows(text, mapping)
    else:
        yield from _csv_rows(text, mapping, file_format)


def _csv_rows(text: io.TextIOWrapper, mapping: dict[str, str], file_format: str):
    csv.field_size_limit(MAX_LINE_CHARS)
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise FileUnreadable("The file is empty: it has no header row") from None
    except csv.Error as error:
        raise FileUnreadable(f"The header row cannot be read as CSV: {error}") from None
    columns = {name.strip(): index for index, name in enumerate(header)}
    required = SAVVI_REQUIRED if file_format == SourceFormat.SAVVI_CSV else ()
    missing = [
        column
        for name, column in mapping.items()
        if column not in columns and (file_format != SourceFormat.SAVVI_CSV or name in required)
    ]
    if missing:
        raise FileUnreadable("The header row has no column " + ", ".join(f"‘{column}’" for column in missing))
    wanted = {name: columns[column] for name, column in mapping.items() if column in columns}
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            yield line, {"__error__": f"The line cannot be read as CSV: {error}"}
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield line, {"__error__": f"The row has {len(row)} columns; the header has {len(header)}"}
            continue
        yield line, {name: row[index] for name, index in wanted.items()}


def _json_rows(text: io.TextIOWrapper, mapping: dict[str, str]):
    for line, raw in enumerate(text, start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_CHARS:
            yield line, {"__error__": f"The line is longer than {MAX_LINE_CHARS} characters"}
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            yield line, {"__error__": "The line is not a JSON object"}
            continue
        if not isinstance(obj, dict):
            yield line, {"__error__": "The line is not a JSON object"}
            continue
        values = {}
        for name, key in mapping.items():
            value = obj.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                yield line, {"__error__": f"‘{key}’ must be text or a number"}
                break
            values[name] = str(value)
        else:
            yield line, values


def code_for(value: str) -> str | None:
    """A scheme or a term in normal form (lower case, spaces as _), or None if it cannot be one."""
    code = re.sub(r"\s+", "_", value.strip().lower())
    return code if code and len(code) <= MAX_CODE and _CODE.match(code) else None


def _partial_date(value: str) -> str | None:
    """A date of birth as SAVVI allows it ("YYYY-MM-DD", "YYYY-MM", "YYYY"; also "DD/MM/YYYY"), plausible."""
    if uk_match := _UK_DATE.match(value):
        uk_day, uk_month, uk_year = (int(part) for part in uk_match.groups())
        value = f"{uk_year:04d}-{uk_month:02d}-{uk_day:02d}"
    match = _PARTIAL_DATE.match(value)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        whole = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if limits.date_problem(whole, allow_future=False):
        return None
    return value


def _date(value: str, *, allow_future: bool) -> datetime.date | None:
    """A whole date ("YYYY-MM-DD", a date and time, or "DD/MM/YYYY"), plausible; None if it is not one."""
    if match := _UK_DATE.match(value):
        day, month, year = (int(part) for part in match.groups())
        value = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        whole = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return None if limits.date_problem(whole, allow_future=allow_future) else whole


def check_row(
    line: int, values: dict[str, str] | None, *, file_format: str, fixed_values: dict[str, str]
) -> CheckedRow | list[Problem]:
    """The row in normal form, or every problem that keeps it out (each with the field, never the value)."""
    if values is None or "__error__" in (values or {}):
        return [Problem(line, (values or {}).get("__error__", "The line is not a row"))]
    merged = {name: value for name, value in fixed_values.items() if value}
    merged.update({name: value.strip() for name, value in values.items() if value and value.strip()})
    problems: list[Problem] = []

    def bad(name: str, reason: str) -> None:
        problems.append(Problem(line, reason, name))

    if any("\x00" in value or "\ufffd" in value for value in merged.values()):
        return [
            Problem(line, "The row holds a character that is not text (a null, or bytes that are not UTF-8)")
        ]
    required = SAVVI_REQUIRED if file_format == SourceFormat.SAVVI_CSV else MAPPED_REQUIRED
    for name in required:
        if not merged.get(name):
            bad(name, f"{FIELD_LABELS[name]} is missing")
    for name in ("given_names", "family_name", "alias", "source_system"):
        if len(merged.get(name, "")) > limits.NAME_LENGTH:
            bad(name, f"{FIELD_LABELS[name]} is longer than {limits.NAME_LENGTH} characters")
    reference = merged.get("person_reference", "")
    if len(reference) > MAX_REFERENCE:
        bad("person_reference", f"Person reference is longer than {MAX_REFERENCE} characters")

    nhs = ""
    if merged.get("nhs_number"):
        try:
            nhs = normalise_nhs_number(merged["nhs_number"])
        except ValidationError as error:
            bad("nhs_number", error.messages[0])
    postcode = ""
    if merged.get("postcode"):
        try:
            postcode = normalise_postcode(merged["postcode"])
        except ValidationError:
            bad("postcode", "Postcode is not a real postcode, like SW1A 1AA")
    uprn = None
    if merged.get("uprn"):
        if _UPRN.match(merged["uprn"]) and int(merged["uprn"]) >= 1:
            uprn = int(merged["uprn"])
        else:
            bad("uprn", "UPRN must be a number of up to 12 digits")
    birth_date = ""
    if merged.get("birth_date"):
        birth_date = _partial_date(merged["birth_date"]) or ""
        if not birth_date:
            bad("birth_date", "Date of birth must be a real date in the past, as YYYY-MM-DD, YYYY-MM or YYYY")
    gender = ""
    if merged.get("gender"):
        gender = GENDERS.get(merged["gender"].lower(), "")
        if not gender:
            bad("gender", "Gender must be Male, Female, Other or unknown")
    attribute_type = (merged.get("attribute_type") or AttributeType.CIRCUMSTANCE).lower()
    if attribute_type not in AttributeType.values:
        bad("attribute_type", "Attribute type must be Circumstance, Event, Service or Risk")
    scheme = term = ""
    for name in ("attribute_scheme", "attribute"):
        if merged.get(name):
            code = code_for(merged[name])
            if code is None:
                bad(name, f"{FIELD_LABELS[name]} must be letters, digits, _ . + or - (no /)")
            elif name == "attribute":
                term = code
            else:
                scheme = code
    if file_format == SourceFormat.SAVVI_CSV and term and not merged.get("attribute_scheme"):
        bad("attribute_scheme", "Attribute scheme is missing, and the source gives none for every row")
    dates = {}
    for name, allow_future in (("attribute_date", False), ("extracted_on", False)):
        if merged.get(name):
            dates[name] = _date(merged[name], allow_future=allow_future)
            if dates[name] is None:
                bad(name, f"{FIELD_LABELS[name]} must be a real date, not in the future, as YYYY-MM-DD")
    if problems:
        return problems
    address = ", ".join(merged[f"address_{n}"] for n in range(1, 6) if merged.get(f"address_{n}"))
    return CheckedRow(
        line=line,
        person_reference=reference,
        attribute_type=attribute_type,
        scheme=scheme,
        term=term,
        nhs_number=nhs,
        given_names=merged.get("given_names", ""),
        family_name=merged.get("family_name", ""),
        alias=merged.get("alias", ""),
        birth_date=birth_date,
        gender=gender,
        uprn=uprn,
        address=address[:500],
        postcode=postcode,
        attribute_date=dates.get("attribute_date"),
        source_system=merged.get("source_system", ""),
        extracted_on=dates.get("extracted_on"),
    )


def hashing_copy(source: IO[bytes], destination: IO[bytes]) -> tuple[str, int]:
    """Copy a stream a megabyte at a time; its SHA-256 and size (an upload is never whole in memory)."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(1 << 20), b""):
        digest.update(chunk)
        destination.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
