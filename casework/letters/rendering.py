"""Letter templates: the placeholders they may use, checking a template, rendering it to HTML and to PDF."""

from __future__ import annotations

import re

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# The placeholders a template may use. Values are plain strings: templates never see a model.
PLACEHOLDERS = {
    "person.given_name": "Margaret",
    "person.family_name": "Thornton",
    "person.full_name": "Margaret Thornton",
    "case.reference": "CW-2026-000123",
    "organisation.name": "Casterbridge County Council",
    "organisation_phone": "01234 567890",
    "today": "3 December 2026",
    "received_on": "1 December 2026",
    "due_on": "30 December 2026",
    "overdue": "",
    "waiting_for": "waiting for an assessment",
    "contact_method": "letter",
    "appointment_at": "10 December 2026 at 10:30am",
    "worker": "Sam Patel",
    # The estimate of what the person will pay before a chargeable service starts (plans, no surprise bills).
    "estimate_weekly": "£45.20",
    "estimate_cost": "£175.00",
    "estimate_assessed": "",
    "estimate_services": "Home care from 5 January 2027 (£175.00 a week)",
}
_VARIABLE = re.compile(r"{{\s*([^}|\s]+)")
# Only the built-in tags and filters (if, for, date...): no loading of other libraries.
_ENGINE = Engine(
    autoescape=True, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
)


def template_problems(subject: str, body: str) -> dict[str, str]:
    """What is wrong with a template, by field: a syntax error, or a placeholder that does not exist."""
    problems = {}
    if not (subject or "").strip():
        problems["subject"] = "Enter the subject of the letter"
    if not (body or "").strip():
        problems["body"] = "Enter the words of the letter"
    for field, text in (("subject", subject or ""), ("body", body or "")):
        if "{% load" in text:
            problems[field] = "Templates cannot load tag libraries"
            continue
        try:
            _ENGINE.from_string(text)
        except TemplateSyntaxError as error:
            problems[field] = f"The template has an error: {error}"
            continue
        unknown = sorted({name for name in _VARIABLE.findall(text) if name not in PLACEHOLDERS})
        if unknown:
            problems[field] = "Unknown placeholders: " + ", ".join("{{ " + name + " }}" for name in unknown)
    return problems


def _nest(values: dict[str, str]) -> dict:
    nested: dict = {}
    for key, value in values.items():
        *parents, leaf = key.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return nested


def render_text(text: str, values: dict[str, str]) -> str:
    return _ENGINE.from_string(text).render(Context(_nest(values)))


def render_letter_html(
    *, subject: str, body: str, values: dict[str, str], addressed_to: str, large_print: bool
) -> tuple[str, str]:
    """The letter's subject and full HTML page (layout, address block, body)."""
    subject_text = render_text(subject, values).strip()
    body_html = render_text(body, values)
    html = render_to_string(
        "letters/letter.html",
        {
            "subject": subject_text,
            "body": mark_safe(body_html),
            "addressed_to": addressed_to,  # noqa: S308
            "large_print": large_print,
            "organisation": {"name": values.get("organisation.name", "")},
            "today": values.get("today", ""),
        },
    )
    return subject_text, html


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
