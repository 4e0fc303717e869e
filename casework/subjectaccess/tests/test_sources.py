"""Every model that holds something about a person (a reference to the person or to their case) is read by
preparing a bundle, or is left out here with the reason: a new app's data cannot be missed silently."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.subjectaccess.selectors import subject_access_sections

pytestmark = pytest.mark.django_db

LEFT_OUT = {
    "people.PersonRestrictedAccess": "access control (which staff are named): the views are in audit",
    "people.BreakGlassGrant": "access control: the views it allowed are in the audit sections",
    "people.IndexSearchResult": "a worker's remembered search results, not a record about the person",
    "risk.ReviewItem": "the matching workflow's queue: its outcome is the person's source records",
    "risk.MatchLabel": "a reviewer's label for training the matcher: its outcome is the source records",
    "subjectaccess.SubjectAccessRequest": "the request itself, which the requester made",
}


def _about_a_person() -> set[str]:
    person = apps.get_model("people.Person")
    case = apps.get_model("cases.Case")
    return {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (person, case)
    }


def test_every_model_about_a_person_is_in_the_bundle_or_left_out_with_a_reason(world):
    with CaptureQueriesContext(connection) as queries:
        for _app, (_name, rows) in subject_access_sections(person_id=world.person.pk):
            list(rows)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    missing = sorted(
        label
        for label in _about_a_person() - set(LEFT_OUT)
        if f'"{apps.get_model(label)._meta.db_table}"' not in sql
    )
    assert missing == [], "add an exporter (<app>_subject_access_sections) or a reason to LEFT_OUT"
    assert set(LEFT_OUT) <= _about_a_person(), "stale LEFT_OUT entries"
