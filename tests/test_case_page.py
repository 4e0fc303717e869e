"""The case's sections with something in every panel: each section shows its rows, and its queries stay the
same however many rows the panels have (issue 4: council scale; issue 14: the case workspace)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.assessments import services as assessments
from casework.careact import services as careact
from casework.careact.eligibility import TAKES_LONGER, WITHOUT_ASSISTANCE, OutcomeFinding
from casework.careact.tests.steps import record_ready_for_support
from casework.cases import services as cases
from casework.contacts import services as contacts
from casework.core import clock
from casework.letters import services as letters
from casework.referrals.tests.conftest import (  # noqa: F401
    active_case,
    assessment,
    completed,
    consent,
    food,
    forms,
    needs,
    record_consent,
    refer,
    referral,
    risk,
    unallocated,
)
from casework.safeguarding import services as safeguarding
from casework.tasks import services as tasks
from casework.waiting_list import services as waiting
from casework.waiting_list.models import Escalation
from tests.factories import CaseFactory, MembershipFactory, UserFactory

# The most each section of the case may take, whatever is on the case ("opens": /cases/<id>/, which shows the
# section the case's stage is at). The one page with every panel took 38 with a row in each (45 before the
# panels' reads were folded together); on PostgreSQL the session's save is a transaction, BEGIN and COMMIT,
# not a savepoint.
SECTION_QUERIES = {
    "overview": 14,
    "contacts": 12,
    "assessment": 12,
    "care_act": 15,
    "sharing": 19,
    "waiting": 13,
    "timeline": 12,
    "opens": 12,
}

# A case with nothing in its panels (no task, Care Act record, letter, ...): that is read with the case.
EMPTY_SECTION_QUERIES = {
    "overview": 12,
    "contacts": 11,
    "assessment": 10,
    "care_act": 10,
    "sharing": 10,
    "waiting": 10,
    "timeline": 12,
}

_serial = itertools.count(1)


def _fill(world, case, form, n):
    """n more rows in every panel of the case, each made the way the app makes it."""
    now = clock.now()
    person = case.person
    for _ in range(n):
        i = next(_serial)
        contacts.contact_record(
            user=world.practitioner,
            case=case,
            occurred_at=now - datetime.timedelta(hours=i),
            direction="outbound",
            method="phone",
            contact_role="person",
            outcome="reached",
            summary=f"Spoke about the shopping {i}",
        )
        contacts.contact_record(
            user=world.practitioner,
            case=case,
            occurred_at=now - datetime.timedelta(hours=i),
            direction="outbound",
            method="phone",
            contact_role="person",
            outcome="no_answer",
            is_scheduling_attempt=True,
        )
        contacts.message_send(
            user=world.practitioner2, to_user=world.practitioner, case=case, body=f"She rang back {i}"
        )
        tasks.task_create(
            user=world.practitioner,
            case=case,
            title=f"Chase the OT {i}",
            due_date=clock.today() + datetime.timedelta(days=i),
            assigned_to_user=world.practitioner,
        )
        safeguarding.concern_raise(
            user=world.practitioner,
            person=person,
            case=case,
            at_risk="adult",
            what_happened=f"Bruising seen {i}",
            immediate_danger=False,
        )
        letters.letter_send(kind="invite_contact", case=case, effect_key=f"case-page:{i}")
        assessments.assessment_start(user=world.practitioner, case=case, form=form, method="phone")
        definition = assessments.need_definition_create(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            code=f"need_{i}",
            name=f"Need number {i}",
            category="other",
        )
        need = assessments.need_record(user=world.practitioner, case=case, definition=definition)
        basis = record_consent(world, case, purpose=f"Purpose {i}")
        refer(world, case, [need], basis=basis)
        helper = UserFactory(username=f"helper{i}", first_name="Helper", last_name=str(i))
        MembershipFactory(user=helper, organisation=world.county, role="practitioner", team=world.team)
        cases.case_add_worker(user=world.practitioner, case=case, worker=helper)
        cases.case_remove_worker(user=world.practitioner, case=case, worker=helper, reason="Covered a week")
        CaseFactory(person=person, raised_by_organisation=world.county)
        for entry in case.waiting_entries.all():
            Escalation.objects.create(
                entry=entry,
                level=1,
                breached_due_on=clock.today() - datetime.timedelta(days=i),
                raised_at=now,
            )


# What each section shows of the rows _fill makes, and what the header shows on every section.
SHOWN = {
    "overview": [
        "Chase the OT 4",  # tasks
        "Safeguarding concern, ",
        "Helper 4",  # workers before
        "Stages reset when the work restarted",
    ],
    "contacts": ["Spoke about the shopping 4", "Scheduling log: 4 attempts"],
    "assessment": ["Need number 4"],
    "care_act": ["Eligible", "Not enough because"],
    "sharing": ["Purpose 4", "Test Foodbank"],  # consent, referrals
    "waiting": ["(PDF)</a>", "Waiting for a service", "Escalated"],  # letters, waiting lists
    "timeline": ["Assistance history", "Restarted from Contact"],
}
HEADER_SHOWS = ["4 unread messages about this case", "Safeguarding concern</strong>"]


def _queries(client, url):
    client.get(url)  # the first request of a session reads what later ones have cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_every_panel_shows_its_rows_and_the_queries_do_not_grow_with_them(login, world, forms, referral):  # noqa: F811
    case = referral.case
    person = case.person
    person.address_line_1, person.town, person.postcode = "4 Mill Lane", "Casterbridge", "DT1 1AA"
    person.save()
    letters.letter_templates_install_standard(organisation_id=world.county.pk)
    careact.eligibility_determination_record(
        user=world.practitioner,
        case=case,
        kind="adult",
        condition_1=True,
        significant_impact_on_wellbeing=True,
        outcomes=[
            OutcomeFinding.of("nutrition", WITHOUT_ASSISTANCE),
            OutcomeFinding.of("clothing", TAKES_LONGER),
        ],
        confirmed_eligible=True,
        reason="Assessed at home with her daughter",
    )
    record_ready_for_support(user=world.practitioner, case=case)
    for kind in ("assessment", "service"):
        waiting.waiting_list_add(
            user=world.practitioner,
            case=case,
            list_kind=kind,
            priority="urgent",
            rag="amber",
            rag_reason="Lives alone",
        )
    cases.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    cases.case_restart_from(user=world.practitioner, case=case, stage="contact", reason="Wrong address")
    client = login(world.practitioner)
    urls = {key: reverse(f"cases:case_{key}", args=[case.pk]) for key in SHOWN}
    urls["opens"] = case.get_absolute_url()

    _fill(world, case, forms["needs_check"], 1)
    one = {key: _queries(client, url) for key, url in urls.items()}
    _fill(world, case, forms["needs_check"], 3)
    many = {key: _queries(client, url) for key, url in urls.items()}

    for key in urls:
        assert many[key][0] == one[key][0] <= SECTION_QUERIES[key], (key, one[key][0], many[key][0])
    # The case opens at the section its stage is at: Contact, after the restart.
    assert many["opens"][1].count('aria-current="page"') == 1
    assert 'aria-current="page"\n         hx-get="' + urls["contacts"] in many["opens"][1]
    for key, shown in SHOWN.items():
        page = many[key][1]
        for text in [*shown, *HEADER_SHOWS]:
            assert text in page, (key, text)


EMPTY = {
    "overview": ["No open tasks you can see."],
    "contacts": ["No contacts recorded."],
    "assessment": ["No assessments yet.", "No needs recorded."],
    "care_act": [
        "Not decided",  # advocacy
        "Not recorded",  # prevention
        "Not given",  # information about charging
    ],
    "sharing": ["No consent or lawful basis recorded", "No referrals made."],
    "waiting": ["Not on a waiting list.", "No letters sent."],
    "timeline": ["No earlier cases that you can see."],
}


@pytest.mark.django_db
def test_a_case_with_empty_panels_shows_each_one_and_reads_none_of_them(login, world):
    from casework.allocation import services as allocation

    case = allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))
    client = login(world.practitioner)
    for key, empties in EMPTY.items():
        count, page = _queries(client, reverse(f"cases:case_{key}", args=[case.pk]))
        for empty in empties:
            assert empty in page, (key, empty)
        assert "Safeguarding concern" not in page
        assert count <= EMPTY_SECTION_QUERIES[key], (key, count)
