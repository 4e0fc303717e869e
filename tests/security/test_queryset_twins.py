"""Issue 14: each permission of safeguarding, waiting lists, assessments, letters, contacts and retention
agrees with its queryset twin for every persona of the persona-matrix world (tests/security/world.py),
signed out included, on every record of the kind it is about. A permission of these apps without a twin here
fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from casework.accounts.models import Initiative, Organisation
from casework.assessments import selectors as assessments
from casework.cases.models import Case
from casework.contacts import selectors as contacts
from casework.core.permissions import has_perm, registered_permissions
from casework.letters import selectors as letters
from casework.letters.models import Letter
from casework.people.models import Person
from casework.retention import selectors as retention
from casework.safeguarding import selectors as safeguarding
from casework.safeguarding.models import SafeguardingConcern
from casework.waiting_list import selectors as waiting
from tests.security.personas import WORLD_PERSONAS, persona_user

pytestmark = pytest.mark.django_db

APPS = ("safeguarding", "waiting_list", "assessments", "letters", "contacts", "retention")


@dataclass(frozen=True)
class Twin:
    """What the permission is about (a model, or "organisation"/"initiative" ids, or None for a permission
    held or not as a whole) and its queryset twin. For ids and a whole permission the twin is the queryset of
    organisations or initiatives where it is held: held at all when the queryset has any."""

    about: Any
    queryset: Any


TWINS = {
    "safeguarding.view_concern": Twin(SafeguardingConcern, safeguarding.concern_list_visible),
    "safeguarding.raise_concern": Twin(None, safeguarding.concern_raising_organisations_for_user),
    "safeguarding.view_concern_list": Twin(None, safeguarding.concern_list_organisations_for_user),
    "waiting_list.triage_case": Twin(Case, waiting.case_list_triageable),
    "waiting_list.view_waiting_list": Twin(None, waiting.waiting_list_organisations_for_user),
    "waiting_list.manage_timescales": Twin(Organisation, waiting.timescale_organisations_for_user),
    "assessments.view_assessment": Twin(Case, assessments.case_list_assessment_visible),
    "assessments.work_assessment": Twin(Case, assessments.case_list_assessment_workable),
    "assessments.manage_forms": Twin(Organisation, assessments.assessment_form_organisations_for_user),
    "assessments.manage_need_definitions": Twin(Initiative, assessments.need_definition_initiatives_for_user),
    "assessments.view_need_counts": Twin(Initiative, assessments.need_count_initiatives_for_user),
    "letters.view_letter": Twin(Letter, letters.letter_list_visible),
    "letters.send_letter": Twin(Case, letters.case_list_letter_sendable),
    "letters.manage_templates": Twin(Organisation, letters.letter_template_organisations_for_user),
    "contacts.record_contact_case": Twin(Case, contacts.case_list_contact_recordable),
    "contacts.record_contact_person": Twin(Person, contacts.person_list_contact_recordable),
    "contacts.use_duty_desk": Twin(None, contacts.duty_desk_organisations_for_user),
    "retention.manage_schedule": Twin(Organisation, retention.schedule_organisations_for_user),
    "retention.govern_records": Twin(Organisation, retention.governing_organisations_for_user),
}
# Permissions held of an organisation or an initiative, asked with its id.
BY_ID = (Organisation, Initiative)


def _holdings(world, permission: str, persona: str) -> list[tuple[object, bool, bool]]:
    """(what, the predicate's answer, the twin's) for each record of the kind, or for the whole permission."""
    twin = TWINS[permission]
    user = persona_user(world, persona)
    in_twin = set(twin.queryset(user=user).values_list("pk", flat=True))
    if twin.about is None:
        return [(None, has_perm(user, permission), bool(in_twin))]
    answers = []
    for record in twin.about.objects.order_by("pk"):
        asked = record.pk if twin.about in BY_ID else record
        answers.append((record, has_perm(user, permission, asked), record.pk in in_twin))
    if twin.about in BY_ID:
        answers.append((None, has_perm(user, permission), bool(in_twin)))
    return answers


@pytest.mark.parametrize("permission", sorted(TWINS))
def test_the_predicate_agrees_with_its_queryset_twin_for_every_persona(twin_world, permission):
    disagreements = [
        f"{persona}: {record!r} predicate {held}, twin {twinned}"
        for persona in WORLD_PERSONAS
        for record, held, twinned in _holdings(twin_world, permission, persona)
        if held is not twinned
    ]
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("permission", sorted(TWINS))
def test_each_permission_is_held_by_someone_and_not_by_everyone(twin_world, permission):
    """Agreement is worth something only if the world has both answers."""
    answers = {
        held for persona in WORLD_PERSONAS for _record, held, _ in _holdings(twin_world, permission, persona)
    }
    assert answers == {True, False}, permission


def test_a_signed_out_user_holds_none_of_them(twin_world):
    held = [
        permission
        for permission in TWINS
        if any(held for _record, held, _ in _holdings(twin_world, permission, "anonymous"))
    ]
    assert held == []


def test_every_permission_of_these_apps_has_a_twin_here():
    registered = {name for name in registered_permissions() if name.split(".")[0] in APPS}
    assert registered == set(TWINS)
