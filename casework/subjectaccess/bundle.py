"""The bundle as the requester receives it: redactions applied, as JSON and as a readable PDF."""

from __future__ import annotations

import copy
from typing import Any

from django.template.loader import render_to_string

from casework.letters.rendering import html_to_pdf
from casework.subjectaccess.choices import RedactionReason
from casework.subjectaccess.models import SubjectAccessRequest

REDACTED = "[Withheld: {reason}]"


def bundle_redacted(request: SubjectAccessRequest) -> dict[str, Any]:
    """The bundle with every redaction applied: a withheld field shows the reason; a withheld record keeps
    only its id and the reason. The list of redactions (what kind, not what) goes with it."""
    bundle = copy.deepcopy(request.bundle or {"sections": {}})
    marks = list(request.redactions.all())
    by_row: dict[tuple[str, str], list[Any]] = {}
    for mark in marks:
        by_row.setdefault((mark.section, mark.record_id), []).append(mark)
    for app, sections in bundle.get("sections", {}).items():
        for name, rows in sections.items():
            for index, row in enumerate(rows):
                found = by_row.get((f"{app}/{name}", str(row.get("id"))))
                if not found:
                    continue
                for mark in found:
                    label = REDACTED.format(reason=RedactionReason(mark.reason).label)
                    if not mark.field:
                        rows[index] = {"id": row.get("id"), "withheld": label}
                        break
                    if mark.field in row:
                        row[mark.field] = label
    bundle["redactions"] = [
        {"section": m.section, "record_id": m.record_id, "field": m.field, "reason": m.get_reason_display()}
        for m in marks
    ]
    return bundle


def bundle_pdf(request: SubjectAccessRequest) -> bytes:
    """The redacted bundle as a readable PDF: one table per section (WeasyPrint, as letters are)."""
    bundle = bundle_redacted(request)
    sections = []
    for app, named in bundle.get("sections", {}).items():
        for name, rows in named.items():
            columns = sorted({key for row in rows for key in row})
            sections.append(
                {
                    "title": f"{app.replace('_', ' ').capitalize()}: {name.replace('_', ' ')}",
                    "columns": columns,
                    "cells": [["" if row.get(c) is None else row.get(c) for c in columns] for row in rows],
                }
            )
    html = render_to_string(
        "subjectaccess/bundle_pdf.html", {"request": request, "bundle": bundle, "sections": sections}
    )
    return html_to_pdf(html)
