"""GOV.UK Design System template tags and filters for Django forms.

Registered as a template builtin (settings TEMPLATES OPTIONS "builtins"), so
templates use these without {% load %}.

Tags
----
``{% govuk_field form.field [classes=""] [label_size=""] [hint=None] [is_page_heading=False] [label=None] %}``
    The whole GOV.UK form group for a bound field, chosen by its widget: label or
    fieldset legend, hint, error message, and the control with the current value.

``{% govuk_error_summary form %}`` (a form, a formset, or a list of them)
    The GOV.UK error summary, or nothing when there are no errors.

Filters
-------
``{{ value|nhs_number }}``  "9434765919" -> "943 476 5919"
``{{ value|govuk_date }}``  date -> "5 January 2026"; datetime -> "5 January 2026 at 2:30pm"
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from casework.core.forms import DATE_PARTS, GovukDateWidget

register = template.Library()
logger = logging.getLogger(__name__)

FIELD_TEMPLATE = "includes/govuk/field.html"
ERROR_SUMMARY_TEMPLATE = "includes/govuk/error_summary.html"
SIZES = {"s", "m", "l", "xl"}
BLANK_CHOICE_LABEL = "---------"

# Kinds of control, chosen by widget. Order matters: CheckboxSelectMultiple is a
# RadioSelect, RadioSelect and SelectMultiple are Selects (ChoiceWidgets).
INPUT = "input"
TEXTAREA = "textarea"
SELECT = "select"
RADIOS = "radios"
CHECKBOXES = "checkboxes"
CHECKBOX = "checkbox"
DATE = "date"
FILE = "file"
OTHER = "other"
CONTROL_CLASSES = {
    INPUT: ("govuk-input", "govuk-input--error"),
    TEXTAREA: ("govuk-textarea", "govuk-textarea--error"),
    SELECT: ("govuk-select", "govuk-select--error"),
    FILE: ("govuk-file-upload", "govuk-file-upload--error"),
    CHECKBOX: ("govuk-checkboxes__input", ""),
    OTHER: ("", ""),
}


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, GovukDateWidget):
        return DATE
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return CHECKBOXES
    if isinstance(widget, forms.RadioSelect):
        return RADIOS
    if isinstance(widget, forms.CheckboxInput):
        return CHECKBOX
    if isinstance(widget, forms.Textarea):
        return TEXTAREA
    if isinstance(widget, forms.Select):
        return SELECT
    if isinstance(widget, forms.FileInput):
        return FILE
    if isinstance(widget, forms.widgets.Input):
        return INPUT
    return OTHER


def _join(*classes: str | None) -> str:
    seen: list[str] = []
    for chunk in classes:
        for name in (chunk or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


def _field_id(bound_field: BoundField) -> str:
    """The id of the field's (first) control, as rendered by govuk_field."""
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id or bound_field.html_name


def field_anchor(bound_field: BoundField) -> str:
    """Where the error summary links for this field: its control, or a date's day box."""
    field_id = _field_id(bound_field)
    if isinstance(bound_field.field.widget, GovukDateWidget):
        return f"{field_id}_0"
    return field_id


def _date_error_parts(bound_field: BoundField) -> set[str]:
    """The date parts ("day", "month", "year") that the field's errors are about."""
    errors = bound_field.form.errors.get(bound_field.name)
    if not errors:
        return set()
    parts: set[str] = set()
    for error in errors.as_data():
        params = getattr(error, "params", None) or {}
        parts.update(params.get("govuk_date_parts") or DATE_PARTS)
    return parts


def _size(value) -> str:
    value = str(value or "").strip().lower()
    return value if value in SIZES else ""


@register.simple_tag
def govuk_field(
    bound_field, classes: str = "", label_size: str = "", hint=None, is_page_heading: bool = False, label=None
) -> str:
    """Render the GOV.UK form group for a bound field.

    - ``classes``: added to the control (input, textarea, select), or to the
      govuk-radios / govuk-checkboxes / govuk-date-input container.
    - ``label_size``: "s", "m", "l" or "xl": govuk-label--<size> or govuk-fieldset__legend--<size>.
    - ``hint``: replaces the field's help_text ("" for no hint).
    - ``is_page_heading``: wrap the label or legend in the page's <h1> (size "l" unless given).
    - ``label``: replaces the field's label.
    """
    if not isinstance(bound_field, BoundField):
        if bound_field not in (None, ""):
            logger.warning("govuk_field was given %r, not a form field", bound_field)
        return ""

    field = bound_field.field
    widget = field.widget
    if widget.is_hidden:
        return str(bound_field)

    kind = _kind(widget)
    field_id = _field_id(bound_field)
    label_text = bound_field.label if label is None else label
    hint_text = field.help_text if hint is None else hint
    errors = [str(error) for error in bound_field.errors]
    size = _size(label_size) or ("l" if is_page_heading else "")

    hint_id = f"{field_id}-hint" if hint_text else ""
    error_id = f"{field_id}-error" if errors else ""
    described_by = " ".join(filter(None, [hint_id, error_id]))

    context = {
        "kind": kind,
        "field": bound_field,
        "id": field_id,
        "name": bound_field.html_name,
        "label": label_text,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "described_by": described_by,
        "is_page_heading": bool(is_page_heading),
        "size": size,
        "classes": classes or "",
        "uses_fieldset": kind in (RADIOS, CHECKBOXES, DATE),
        "form_group_classes": _join("govuk-form-group", "govuk-form-group--error" if errors else ""),
    }

    if kind in (RADIOS, CHECKBOXES):
        context["items"] = _choice_items(bound_field, field_id, kind)
    elif kind == DATE:
        context["date_items"] = _date_items(bound_field, field_id, bool(errors))
    else:
        base_class, error_class = CONTROL_CLASSES[kind]
        # A single checkbox's classes go on its govuk-checkboxes container.
        control_classes = _join(
            widget.attrs.get("class"),
            base_class,
            error_class if errors else "",
            "" if kind == CHECKBOX else classes,
        )
        context["control"] = _render_control(bound_field, control_classes, described_by)

    return get_template(FIELD_TEMPLATE).render(context)


def _render_control(bound_field: BoundField, control_classes: str, described_by: str) -> SafeString:
    """Render the field's own widget with GOV.UK classes and our aria-describedby."""
    field = bound_field.field
    widget = field.widget
    if field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs({}, widget)
    # Django points aria-describedby at its own help text id; ours differs.
    attrs.pop("aria-describedby", None)
    if described_by:
        attrs["aria-describedby"] = described_by
    if control_classes:
        attrs["class"] = control_classes
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs["id"] = bound_field.auto_id
    # The widget's own template escapes the value and attributes.
    return widget.render(
        name=bound_field.html_name, value=bound_field.value(), attrs=attrs, renderer=bound_field.form.renderer
    )


def _choice_items(bound_field: BoundField, field_id: str, kind: str) -> list[dict]:
    field = bound_field.field
    widget = field.widget
    value = widget.format_value(bound_field.value())
    items: list[dict] = []
    for _group, options, _index in widget.optgroups(bound_field.html_name, value):
        for option in options:
            option_value = "" if option["value"] is None else str(option["value"])
            if option_value == "" and str(option["label"]) == BLANK_CHOICE_LABEL:
                continue  # The select's "---------" makes no sense as a radio.
            item_id = field_id if not items else f"{field_id}_{len(items)}"
            items.append(
                {
                    "id": item_id,
                    "name": bound_field.html_name,
                    "value": option_value,
                    "label": option["label"],
                    "checked": bool(option["selected"]),
                    "disabled": field.disabled,
                    "type": "checkbox" if kind == CHECKBOXES else "radio",
                }
            )
    return items


def _date_items(bound_field: BoundField, field_id: str, has_errors: bool) -> list[dict]:
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({}, widget)
    attrs.pop("aria-describedby", None)
    attrs.pop("aria-invalid", None)
    attrs.pop("class", None)
    attrs["id"] = field_id
    error_parts = _date_error_parts(bound_field) if has_errors else set()
    subwidgets = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]["subwidgets"]
    items = []
    for part, label, sub in zip(DATE_PARTS, widget.part_labels, subwidgets, strict=False):
        sub_attrs = dict(sub["attrs"])
        in_error = part in error_parts
        sub_attrs["class"] = _join(
            "govuk-input govuk-date-input__input",
            sub_attrs.get("class"),
            "govuk-input--error" if in_error else "",
        )
        if in_error:
            sub_attrs["aria-invalid"] = "true"
        sub_attrs.setdefault("inputmode", "numeric")
        value = sub["value"]
        value_attr = format_html(' value="{}"', value) if value not in (None, "") else ""
        html = format_html('<input type="text" name="{}"{}{}>', sub["name"], value_attr, flatatt(sub_attrs))
        items.append({"id": sub_attrs.get("id"), "label": label, "html": html})
    return items


# ---------------------------------------------------------------------------
# Error summary
# ---------------------------------------------------------------------------


def _forms(value) -> Iterable:
    """Forms from a form, a formset, or a (nested) list of them."""
    if value in (None, ""):
        return
    if isinstance(value, forms.BaseForm):
        yield value
    elif hasattr(value, "forms") and hasattr(value, "non_form_errors"):
        yield value  # a formset: its own errors, then its forms'
        for form in value.forms:
            yield from _forms(form)
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict)):
        for item in value:
            yield from _forms(item)


def error_summary_items(*values) -> list[dict]:
    """[{"text": message, "href": "#id" or ""}] for every error, in page order."""
    items: list[dict] = []
    for form in _forms(values):
        if not isinstance(form, forms.BaseForm):
            items.extend({"text": str(error), "href": ""} for error in form.non_form_errors())
            continue
        if not form.is_bound or not form.errors:
            continue
        items.extend({"text": str(error), "href": ""} for error in form.non_field_errors())
        for name in form.fields:
            if name not in form.errors:
                continue
            bound_field = form[name]
            href = "" if bound_field.is_hidden else f"#{field_anchor(bound_field)}"
            items.extend({"text": str(error), "href": href} for error in form.errors[name])
    return items


@register.simple_tag
def govuk_error_summary(*values) -> str:
    """The GOV.UK error summary for a form, a formset or a list of them; nothing if no errors."""
    items = error_summary_items(*values)
    if not items:
        return ""
    return get_template(ERROR_SUMMARY_TEMPLATE).render({"items": items})


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


@register.filter
def nhs_number(value) -> str:
    """Show a 10-digit NHS number in 3-3-4 groups: "943 476 5919". Anything else as it is."""
    if value is None:
        return ""
    text = str(value)
    digits = "".join(text.split())
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return text


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _time_text(value: datetime.datetime | datetime.time) -> str:
    """GOV.UK style: 9am, 2:30pm, midday, midnight."""
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


@register.filter
def govuk_date(value) -> str:
    """A date as "5 January 2026"; a datetime (in local time) as "5 January 2026 at 2:30pm"."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year} at {_time_text(value)}"
    if isinstance(value, datetime.date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return str(value)
