"""Reads of the audit trail about one person, for a subject access bundle."""

from __future__ import annotations

from casework.audit.models import AccessEvent, AuditEvent
from casework.core.export import Section, model_rows

_WHO = ("prev_hash", "hash")


def audit_subject_access_sections(*, person_id: int) -> list[Section]:
    """Who viewed the person's record and who changed it (the chain's hashes left out: they mean nothing to
    the person). The caller checks subjectaccess.handle_request and audits the export."""
    return [
        ("record_viewed_by", model_rows(AccessEvent.objects.filter(person_id=person_id), exclude=_WHO)),
        ("record_changed_by", model_rows(AuditEvent.objects.filter(person_id=person_id), exclude=_WHO)),
    ]
