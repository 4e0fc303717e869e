"""Models name themselves (admin, logs) by ids and their own columns: no personal data, and no query.

These tests have no database: a query made by a __str__ would fail them.
"""

import datetime

import pytest

from casework.audit.models import AccessEvent, AuditEvent, ChainHead
from casework.cases.models import StageProgress
from casework.contacts.models import Message
from casework.core.models import ReferenceCounter
from casework.people.models import BreakGlassGrant, IndexSearchResult, PersonRestrictedAccess

WHEN = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "instance, expected",
    [
        (
            AuditEvent(sequence=7, verb="person.updated", object_type="people.person", object_id="12"),
            "#7 person.updated people.person 12",
        ),
        (AuditEvent(sequence=8, verb="login"), "#8 login"),
        (AccessEvent(id=3, verb="person.viewed", object_id="12"), "pending 3 person.viewed  12"),
        (AccessEvent(id=3, sequence=9, verb="search"), "#9 search"),
        (ChainHead(name="audit", last_sequence=41), "audit chain, last #41"),
        (StageProgress(case_id=5, stage="contact"), "Contact of case 5, started"),
        (StageProgress(case_id=5, stage="contact", completed_at=WHEN), "Contact of case 5, completed"),
        (
            StageProgress(case_id=5, stage="contact", completed_at=WHEN, reset_at=WHEN),
            "Contact of case 5, reset",
        ),
        (Message(to_user_id=2, sent_at=WHEN), "Message to user 2 on 2025-03-04 09:30"),
        (Message(to_user_id=2), "Message to user 2"),
        (ReferenceCounter(name="case", year=2025, last_value=14), "case 2025: 14"),
        (PersonRestrictedAccess(user_id=2, person_id=12), "User 2 named on restricted person 12"),
        (
            BreakGlassGrant(user_id=2, person_id=12, expires_at=WHEN),
            "Break-glass access by user 2 to person 12 until 2025-03-04 09:30",
        ),
        (IndexSearchResult(user_id=2, person_id=12), "Person 12 found by user 2"),
    ],
)
def test_str_names_the_row_without_a_query(instance, expected):
    assert str(instance) == expected
