"""Form fields and widgets that follow the GOV.UK Design System patterns.

GovukDateField asks for a date as three boxes (day, month, year), as the GOV.UK
date input pattern does, and gives its error messages in GOV.UK style, naming the
field by its label: "Date of birth must include a year", "Date of birth must be a
real date".

Each error is a ValidationError whose params carry ``govuk_date_parts``: the parts
("day", "month", "year") at fault. The ``govuk_field`` template tag uses it to
mark only those boxes as in error. Every date must be plausible (core/limits.py):
not before 1890, nor more than a few years ahead.

IdField, VersionField and UprnField are integer fields with their bounds, so that a
number past 64 bits is a message on the form, never a database error.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone

from casework.core import limits

DATE_PARTS = ("day", "month", "year")


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes, day, month and year, named <name>_0, <name>_1 and <name>_2.

    ``autocomplete``: pass the base token, for example ``"bday"`` for a date of birth,
    and each box gets its own ("bday-day", "bday-month", "bday-year").
    """

    use_fieldset = True
    part_labels = ("Day", "Month", "Year")

    def __init__(self, attrs=None, autocomplete: str | None = None):
        attrs = dict(attrs or {})
        autocomplete = autocomplete or attrs.pop("autocomplete", None)
        self.autocomplete = autocomplete
        widgets = []
        for part in DATE_PARTS:
            sub_attrs = {"inputmode": "numeric", "class": f"govuk-input--width-{4 if part == 'year' else 2}"}
            if autocomplete:
                sub_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets.append(forms.TextInput(attrs=sub_attrs))
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value[:10])
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        return [
            (data.get(f"{name}_{index}") or "").strip() if hasattr(data, "get") else ""
            for index in range(len(DATE_PARTS))
        ]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{index}" not in data for index in range(len(DATE_PARTS)))

    def id_for_label(self, id_):
        # The label of the whole date is a fieldset legend, which labels nothing.
        return ""


def _lower_first(label: str) -> str:
    """'Date of birth' -> 'date of birth', but leave 'NHS ...' alone."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _upper_first(label: str) -> str:
    return label[:1].upper() + label[1:]


_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class GovukDateField(forms.Field):
    """A date entered as day, month and year, cleaned to a ``datetime.date``.

    Options, besides the usual ``label``, ``required``, ``help_text``, ``initial``:

    - ``allow_future`` / ``allow_past`` (default True): set one to False to refuse
      dates after / before today ("Date of birth must be today or in the past").
      Dates before 1890 or more than limits.YEARS_AHEAD years ahead are always refused.
    - ``autocomplete``: base autocomplete token for the widget, like ``"bday"``.
    - ``error_messages``: override any of the keys in ``default_error_messages``; they
      may use %(label)s (as written, first letter capitalised), %(label_lower)s and,
      for "incomplete", %(missing)s ("a year", "a day and month").
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter %(label_lower)s",
        "incomplete": "%(label)s must include %(missing)s",
        "invalid": "%(label)s must be a real date",
        "year_length": "%(label)s must include a year with 4 numbers, like 1970",
        "future": "%(label)s must be today or in the past",
        "past": "%(label)s must be today or in the future",
        "implausible": "%(label)s %(problem)s",
    }

    def __init__(
        self, *, allow_future: bool = True, allow_past: bool = True, autocomplete: str | None = None, **kwargs
    ):
        self.allow_future = allow_future
        self.allow_past = allow_past
        if autocomplete and "widget" not in kwargs:
            kwargs["widget"] = GovukDateWidget(autocomplete=autocomplete)
        super().__init__(**kwargs)
        self._name_label: str | None = None

    def get_bound_field(self, form, field_name):
        # Remember the field's name so messages can name it even when it has no label.
        if self._name_label is None:
            self._name_label = pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    # Messages ---------------------------------------------------------------

    def _label(self) -> str:
        return str(self.label or self._name_label or "Date")

    def _error(self, code: str, parts=DATE_PARTS, **params) -> ValidationError:
        label = self._label()
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={
                "label": _upper_first(label),
                "label_lower": _lower_first(label),
                "govuk_date_parts": tuple(parts),
                **params,
            },
        )

    # Cleaning ---------------------------------------------------------------

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError as error:
                raise self._error("invalid") from error
        parts = [str(part or "").strip() for part in value]
        parts += [""] * (3 - len(parts))
        day_text, month_text, year_text = parts[:3]

        if not any((day_text, month_text, year_text)):
            return None
        missing = [
            name for name, text in zip(DATE_PARTS, (day_text, month_text, year_text), strict=True) if not text
        ]
        if missing:
            if len(missing) == 1:
                words = f"a {missing[0]}"
            else:
                words = "a " + " and ".join(missing)
            raise self._error("incomplete", parts=missing, missing=words)

        bad = []
        day = self._number(day_text)
        if day is None:
            bad.append("day")
        month = self._number(month_text)
        if month is None:
            month = _MONTH_NAMES.get(month_text.lower().rstrip("."))
        if month is None:
            bad.append("month")
        year = self._number(year_text)
        if year is None:
            bad.append("year")
        if bad:
            raise self._error("invalid", parts=bad)
        if len(year_text) != 4 or year < 1000:
            raise self._error("year_length", parts=("year",))
        if not 1 <= month <= 12:
            raise self._error("invalid", parts=("month",))
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            # Month and year are fine by now, so the day is past the end of the month.
            raise self._error("invalid", parts=("day",)) from error

    @staticmethod
    def _number(text: str) -> int | None:
        return int(text) if re.fullmatch(r"\d{1,4}", text) else None

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise self._error("required")

    def run_validators(self, value):
        super().run_validators(value)
        if value is None:
            return
        today = timezone.localdate()
        if not self.allow_future and value > today:
            raise self._error("future")
        if not self.allow_past and value < today:
            raise self._error("past")
        problem = limits.date_problem(value)
        if problem:
            raise self._error("implausible", parts=("year",), problem=problem)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial = self.to_python(initial) if initial not in (None, "") else None
        return initial != data

    def prepare_value(self, value):
        return value


class IdField(forms.IntegerField):
    """A record's id, typed or hidden: a whole number from 1 to the largest id."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", limits.MAX_ID)
        super().__init__(**kwargs)


class VersionField(forms.IntegerField):
    """The version of the record the user read, sent back hidden so that a stale write is refused.

    A version that cannot be one (not a number, 0, past the largest) says the page is out of date, unless
    `error_messages` says otherwise ("max_value" defaults to the "invalid" message given).
    """

    widget = forms.HiddenInput
    default_error_messages = dict.fromkeys(
        ("required", "invalid", "min_value", "max_value"), "The page was out of date. Go back and try again."
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", limits.MAX_VERSION)
        messages = dict(kwargs.pop("error_messages", None) or {})
        if "invalid" in messages:
            messages.setdefault("max_value", messages["invalid"])
            messages.setdefault("min_value", messages["invalid"])
        super().__init__(error_messages=messages, **kwargs)


class UprnField(forms.IntegerField):
    """A Unique Property Reference Number: a whole number of up to 12 digits."""

    default_error_messages = dict.fromkeys(
        ("invalid", "min_value", "max_value"), "UPRN must be a number of up to 12 digits, like 100023336956"
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "UPRN (optional)")
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}))
        super().__init__(min_value=1, max_value=limits.MAX_UPRN, **kwargs)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose values must be ids before they reach the database: `pk__in` with a
    number past 64 bits is a server error on SQLite."""

    def _check_values(self, value):
        for pk in value:
            if limits.id_from(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def apply_service_error(form: forms.Form, error, fields: dict[str, str] | None = None) -> None:
    """Put a DomainError's message on its field when the form has it, else at the top of the form (the GOV.UK
    error summary). A refusal naming several fields (ValidationFailed.errors) puts each on its own. `fields`
    maps a service's argument names to the form's field names where they differ."""
    by_field = getattr(error, "errors", None) or {getattr(error, "field", None): str(error)}
    for name, message in by_field.items():
        name = (fields or {}).get(name, name) if name else name
        form.add_error(name if name in form.fields else None, ValidationError(str(message)))
