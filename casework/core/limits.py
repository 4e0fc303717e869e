"""How much input may be: ids, page numbers, text, lists, dates and UPRNs (and bodies: settings.py).

One place for the API's schemas (core/api.py), the forms (core/forms.py) and the URL converter
(core/converters.py). A number past 64 bits reaches the database as a server error, text without an end fills
it, and a date far off is a typing mistake; each is refused with a message instead.
"""

from __future__ import annotations

import datetime
import re

from casework.core import clock

MAX_ID = 2**63 - 1  # the largest bigint: every primary key fits
MAX_PAGE = 10_000  # further than anyone pages; (page - 1) × the largest page size stays far inside an OFFSET
MAX_VERSION = 2**31 - 1  # a record's version is a PositiveIntegerField
MAX_UPRN = 999_999_999_999  # a Unique Property Reference Number has at most 12 digits

CODE_LENGTH = 40  # a choice's code (the longest choice column)
NAME_LENGTH = 200  # a name or a short line of text (the usual CharField)
NOTE_LENGTH = 4_000  # a note or a reason (what the pages have always allowed)
TEXT_LENGTH = 10_000  # longer free text: a summary, a message, communication needs, an answer
DOCUMENT_LENGTH = 100_000  # a letter template's HTML, an assessment form's questions written as JSON

MAX_ITEMS = 100  # ids in one list: organisations covered, needs referred
MAX_CHOSEN = 20  # entries a person picks or types in one go: services signposted, warnings acknowledged
MAX_ANSWERS = 500  # answers in one assessment, properties of one form schema's top level

EARLIEST_DATE = datetime.date(1890, 1, 1)  # before any date of birth or event a case could hold
YEARS_AHEAD = 5  # the furthest a due, planned, review or expiry date may be

NUL_MESSAGE = "Null characters are not allowed."  # as Django's ProhibitNullCharactersValidator says

_DIGITS = re.compile(r"[0-9]{1,19}")


def id_from(value) -> int | None:
    """A record id from text (a query string, a hidden field): the number if it is 1 to MAX_ID, else None."""
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def latest_date() -> datetime.date:
    """The furthest ahead a date may be: today, YEARS_AHEAD years on (28 February for 29 February)."""
    today = clock.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(value: datetime.date, *, allow_future: bool = True) -> str | None:
    """Why the date is not plausible, to follow its label ("must be …"): before 1890, in the future for the
    day something happened (allow_future=False), or more than YEARS_AHEAD years ahead. None if plausible."""
    if value < EARLIEST_DATE:
        return f"must be the same as or after {_day(EARLIEST_DATE)}"
    if not allow_future and value > clock.today():
        return "must be today or in the past"
    latest = latest_date()
    if value > latest:
        return f"must be the same as or before {_day(latest)}"
    return None


def has_nul(value) -> bool:
    """Whether text anywhere in the value (a string, or inside lists and dicts) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(item) for item in value)
    return False


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"
