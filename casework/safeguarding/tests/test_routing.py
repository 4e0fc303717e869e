"""Where a concern goes: never nowhere. The raiser's organisation's safeguarding team; else the lead
organisation's (Care Act 2014 s42: the local authority holds the duty); with no team anywhere it is still
recorded and the lead's managers and admins are alerted. One test per kind of organisation raising it."""

import pytest
from django.urls import reverse

from casework.accounts.models import Membership
from casework.audit.models import AccessEvent, AuditEvent
from casework.contacts.models import Message
from casework.core import clock
from casework.core.errors import ValidationFailed
from casework.safeguarding import policies, selectors, services
from casework.safeguarding.models import SafeguardingConcern
from casework.tasks.models import Task
from casework.tasks.selectors import team_tasks
from tests.factories import CaseFactory, PersonFactory

WHAT = "Bruises on both arms; said her grandson pushed her"
FORM = {"at_risk": "adult", "what_happened": WHAT, "immediate_danger": "no", "abuse_types": ["physical"]}
BODY = {"at_risk": "adult", "what_happened": WHAT, "immediate_danger": False, "abuse_types": ["physical"]}


def _raise(user, person, case=None, **extra):
    return services.concern_raise(
        user=user,
        person=person,
        case=case,
        at_risk="adult",
        what_happened=WHAT,
        immediate_danger=False,
        **extra,
    )


def _task(concern):
    return Task.objects.get(kind="safeguarding", source=f"safeguarding:{concern.pk}")


def _raised_event(concern):
    return AuditEvent.objects.get(verb="safeguarding.concern_raised", object_id=str(concern.pk))


def _no_team_anywhere(world):
    """The county's safeguarding team has nobody left in it: it is passed over, as if there were none."""
    Membership.objects.filter(team=world.safeguarding_team).update(is_active=False)


# One test per kind of organisation.


def test_the_lead_organisations_worker_reaches_its_own_safeguarding_team(world):
    case = CaseFactory(person=world.person)
    concern = _raise(world.practitioner, world.person, case)
    assert (concern.routing, concern.routed_to_team, concern.routed_to_organisation) == (
        "own_team",
        world.safeguarding_team,
        world.county,
    )
    assert (concern.organisation, concern.raised_by_organisation) == (world.county, world.county)
    task = _task(concern)
    assert (task.assigned_to_team, task.organisation, task.due_date) == (
        world.safeguarding_team,
        world.county,
        clock.today(),
    )
    assert concern.routing_notice == (
        "The concern has been sent to Safeguarding Team, Test County Council, due today."
    )


def test_a_responsible_organisation_with_its_own_team_keeps_the_concern(world, district_safeguarding):
    case = CaseFactory(person=world.district_person)
    concern = _raise(world.district_worker, world.district_person, case)
    assert (concern.routing, concern.routed_to_team, concern.routed_to_organisation) == (
        "own_team",
        district_safeguarding,
        world.district,
    )
    assert _task(concern).organisation == world.district


def test_a_responsible_organisation_without_a_team_sends_the_concern_to_the_leads(world, housing):
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    assert (concern.routing, concern.routed_to_team, concern.routed_to_organisation) == (
        "lead_team",
        world.safeguarding_team,
        world.county,
    )
    # Still the housing association's concern (its case): its managers see it; the county's team acts on it.
    assert (concern.organisation, concern.raised_by_organisation) == (world.housing, world.housing)
    task = _task(concern)
    assert (task.assigned_to_team, task.organisation) == (world.safeguarding_team, world.county)
    assert "raised by Test Housing Association on case" in task.details
    assert "has no safeguarding team, so it came to you as the lead organisation" in task.details
    assert task in team_tasks(user=world.safeguarder)
    assert concern.routing_notice == (
        "Your organisation has no safeguarding team, so the concern has been sent to the lead "
        "organisation's: Safeguarding Team, Test County Council, due today."
    )


def test_a_team_with_nobody_in_it_is_passed_over_for_the_leads(world, district_safeguarding):
    Membership.objects.filter(team=district_safeguarding).update(is_active=False)
    concern = _raise(world.district_worker, world.district_person)
    assert (concern.routing, concern.routed_to_team) == ("lead_team", world.safeguarding_team)


def test_a_delivery_organisation_raises_it_from_a_referral_and_it_goes_to_the_leads(world, referral):
    case = referral.case
    concern = _raise(world.delivery_worker, case.person, case, referral=referral)
    assert (concern.routing, concern.routed_to_team) == ("lead_team", world.safeguarding_team)
    assert (concern.raised_by_organisation, concern.organisation) == (world.foodbank, world.county)
    assert concern.referral == referral
    other = CaseFactory(person=world.district_person)
    with pytest.raises(ValidationFailed) as error:
        _raise(world.delivery_worker, world.district_person, other, referral=referral)
    assert error.value.field == "referral"


def test_with_no_team_anywhere_the_concern_is_recorded_and_the_leads_managers_alerted(world, housing):
    _no_team_anywhere(world)
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    assert (concern.routing, concern.routed_to_team, concern.routed_to_organisation) == (
        "no_team",
        None,
        world.county,
    )
    assert not Task.objects.filter(kind="safeguarding").exists()
    alerts = Message.objects.filter(body__contains=f"/safeguarding/{concern.pk}/")
    assert {m.to_user for m in alerts} == {world.team_manager, world.org_admin}
    assert all(m.person_id is None and m.case_id is None and "Tess" not in m.body for m in alerts)
    assert "there is no safeguarding team to receive it" in alerts[0].body
    assert concern.routing_notice == (
        "No safeguarding team could be found, so the concern has been recorded and sent to the managers and "
        "organisation admins of Test County Council. Phone your safeguarding lead now as well."
    )
    # The county's managers may open it (they were sent it); its organisation admins set up the team.
    assert policies.can_view_concern(world.team_manager, concern)
    assert policies.can_view_concern(world.case_manager, concern)
    assert not policies.can_view_concern(world.org_admin, concern)


# The routing is audited.


def test_the_routing_is_audited_with_why(world, housing):
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    event = _raised_event(concern)
    assert event.changes["routing"]["after"] == "lead_team"
    assert event.changes["raised_by_organisation"]["after"] == world.housing.pk
    assert event.changes["routed_to_organisation"]["after"] == world.county.pk
    assert event.changes["routed_to_team"]["after"] == world.safeguarding_team.pk
    assert event.reason == (
        "Routed to Safeguarding Team, Test County Council: Test Housing Association has "
        "no safeguarding team, so the lead organisation's"
    )
    assert WHAT not in str(event.changes) and WHAT not in event.reason


def test_the_fallback_is_audited_with_who_was_alerted(world, housing):
    _no_team_anywhere(world)
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    event = _raised_event(concern)
    assert (event.changes["routing"]["after"], event.changes["routed_to_team"]["after"]) == ("no_team", None)
    assert event.changes["alerted"]["after"] == sorted([world.team_manager.pk, world.org_admin.pk])
    assert event.reason.startswith("No safeguarding team: neither Test Housing Association nor the lead")
    assert AuditEvent.objects.filter(verb="contacts.alert_sent").count() == 2


# Who sees a concern that went to another organisation's team.

SEES_HOUSING_CONCERN = {"safeguarder", "housing_manager"}
OTHERS = [
    "housing_worker",
    "practitioner",
    "practitioner2",
    "team_manager",
    "duty_officer",
    "case_manager",
    "auditor",
    "org_admin",
    "initiative_admin",
    "district_worker",
    "delivery_worker",
    "outsider",
    "no_roles",
]


@pytest.mark.parametrize("name", sorted(SEES_HOUSING_CONCERN) + OTHERS)
def test_the_leads_team_sees_the_concern_and_nobody_new_does(world, housing, name):
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    user = getattr(world, name)
    visible = selectors.concern_list_visible(user=user).filter(pk=concern.pk).exists()
    assert policies.can_view_concern(user, concern) is visible is (name in SEES_HOUSING_CONCERN)


@pytest.mark.parametrize(
    "name",
    [
        "team_manager",
        "case_manager",
        "housing_manager",
        "safeguarder",
        "org_admin",
        "practitioner",
        "housing_worker",
        "district_worker",
        "outsider",
    ],
)
def test_with_no_team_the_leads_managers_see_it_and_nobody_else_new(world, housing, name):
    _no_team_anywhere(world)
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    user = getattr(world, name)
    visible = selectors.concern_list_visible(user=user).filter(pk=concern.pk).exists()
    assert (
        policies.can_view_concern(user, concern)
        is visible
        is (name in {"team_manager", "case_manager", "housing_manager"})
    )


def test_the_leads_team_opens_the_concern_but_not_the_record(login, api, world, housing):
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    client = login(world.safeguarder)
    page = client.get(reverse("safeguarding:concern_detail", args=[concern.pk])).content.decode()
    assert WHAT in page and "Tess Durbeyfield" in page and "Test Housing Association" in page
    assert "The lead organisation&#x27;s safeguarding team (the raiser&#x27;s organisation has none)" in page
    assert client.get(world.tenant.get_absolute_url()).status_code == 404
    assert client.get(world.tenancy_case.get_absolute_url()).status_code == 404
    assert AccessEvent.objects.filter(
        verb="safeguarding.concern_viewed", actor=world.safeguarder, person_id=world.tenant.pk
    ).exists()
    for user in (world.practitioner2, world.team_manager, world.housing_worker, world.district_worker):
        assert login(user).get(reverse("safeguarding:concern_detail", args=[concern.pk])).status_code == 404
        assert api(user).get(f"/safeguarding/{concern.pk}").status_code == 404
    assert api(world.safeguarder).get(f"/safeguarding/{concern.pk}").json()["routing"] == "lead_team"


def test_with_no_team_the_leads_manager_opens_it_and_unrelated_users_get_404(login, api, world, housing):
    _no_team_anywhere(world)
    concern = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    url = reverse("safeguarding:concern_detail", args=[concern.pk])
    page = login(world.team_manager).get(url).content.decode()
    assert WHAT in page and "No safeguarding team anywhere" in page
    assert "Tess" in login(world.team_manager).get(reverse("safeguarding:concern_list")).content.decode()
    for user in (
        world.org_admin,
        world.practitioner,
        world.safeguarder,
        world.district_worker,
        world.outsider,
    ):
        assert login(user).get(url).status_code == 404
        assert api(user).get(f"/safeguarding/{concern.pk}").status_code == 404


def test_a_restricted_record_reaches_the_leads_team_and_stays_restricted(login, world, housing):
    person = PersonFactory(
        created_by_organisation=world.housing, given_name="Rhoda", family_name="Brook", is_restricted=True
    )
    person.restricted_access.create(user=world.housing_worker, granted_by=world.housing_manager)
    client = login(world.housing_worker)
    url = reverse("safeguarding:concern_raise") + f"?person={person.pk}"
    assert client.post(url, FORM).status_code == 302
    concern = SafeguardingConcern.objects.get(person=person)
    assert concern.routed_to_team == world.safeguarding_team
    # The team acts on it: the concern says who it is about; each view of it is recorded against the person.
    client = login(world.safeguarder)
    detail = client.get(reverse("safeguarding:concern_detail", args=[concern.pk]))
    assert "Rhoda Brook" in detail.content.decode()
    assert AccessEvent.objects.filter(verb="safeguarding.concern_viewed", person_id=person.pk).exists()
    # It opens nothing more: the record stays restricted, and the list does not name it.
    assert client.get(person.get_absolute_url()).status_code == 404
    listing = client.get(reverse("safeguarding:concern_list")).content.decode()
    assert "Restricted record" in listing and "Rhoda" not in listing


# The raiser is told where it went: the page and the API.


def test_the_page_says_where_the_concern_will_go_and_where_it_went(login, world, housing):
    client = login(world.housing_worker)
    url = reverse("safeguarding:concern_raise") + f"?case={world.tenancy_case.pk}"
    page = client.get(url).content.decode()
    assert (
        "This concern will go to Safeguarding Team, Test County Council: Test Housing Association has no "
        "safeguarding team, so it goes to the lead organisation's."
    ) in page
    response = client.post(url, FORM, follow=True)
    assert response.redirect_chain[-1][0] == world.tenancy_case.get_absolute_url()
    assert (
        "Your organisation has no safeguarding team, so the concern has been sent to the lead "
        "organisation&#x27;s: Safeguarding Team, Test County Council, due today."
    ) in (response.content.decode())


def test_the_page_with_no_team_anywhere_still_records_the_concern(login, world, housing):
    _no_team_anywhere(world)
    client = login(world.housing_worker)
    url = reverse("safeguarding:concern_raise") + f"?case={world.tenancy_case.pk}"
    assert "There is no safeguarding team to receive this concern" in client.get(url).content.decode()
    response = client.post(url, FORM, follow=True)
    assert response.status_code == 200
    assert "No safeguarding team could be found, so the concern has been recorded" in (
        response.content.decode()
    )
    assert SafeguardingConcern.objects.get().routing == "no_team"


def test_the_api_says_where_the_concern_went(api, world, housing):
    response = api(world.housing_worker).post(
        "/safeguarding", {"person_id": world.tenant.pk, "case_id": world.tenancy_case.pk, **BODY}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["routing"], body["routed_to_team_id"], body["routed_to_organisation_id"]) == (
        "lead_team",
        world.safeguarding_team.pk,
        world.county.pk,
    )
    assert body["raised_by_organisation_id"] == world.housing.pk
    assert body["routed_to"] == "Safeguarding Team, Test County Council"
    assert body["routing_notice"].startswith("Your organisation has no safeguarding team")


def test_the_api_with_no_team_anywhere_answers_201_not_409(api, world, housing):
    _no_team_anywhere(world)
    response = api(world.housing_worker).post("/safeguarding", {"person_id": world.tenant.pk, **BODY})
    assert response.status_code == 201
    body = response.json()
    assert (body["routing"], body["routed_to_team_id"], body["routed_to_organisation_id"]) == (
        "no_team",
        None,
        world.county.pk,
    )
    assert body["routed_to"] == "the managers and organisation admins of Test County Council"


# A delivery organisation raises it from the referral: it never opens the case or the person.


def test_a_delivery_worker_raises_a_concern_from_the_referral_page(login, world, referral):
    client = login(world.delivery_worker)
    detail = client.get(referral.get_absolute_url()).content.decode()
    assert f"?referral={referral.pk}" in detail
    url = reverse("safeguarding:concern_raise") + f"?referral={referral.pk}"
    page = client.get(url).content.decode()
    assert f"Referral {referral.reference}" in page and referral.case.reference not in page
    assert "Test Foodbank has no safeguarding team, so it goes to the lead organisation" in page
    response = client.post(url, FORM, follow=True)
    assert response.redirect_chain[-1][0] == referral.get_absolute_url()
    assert "sent to the lead organisation&#x27;s: Safeguarding Team, Test County Council" in (
        response.content.decode()
    )
    concern = SafeguardingConcern.objects.get()
    assert (concern.referral, concern.case, concern.person) == (referral, referral.case, referral.case.person)
    assert (
        "Raised from"
        in login(world.safeguarder)
        .get(reverse("safeguarding:concern_detail", args=[concern.pk]))
        .content.decode()
    )
    # The case's holder sees the offer on the case, not on the referral.
    assert (
        f"?referral={referral.pk}"
        not in login(world.practitioner).get(referral.get_absolute_url()).content.decode()
    )


def test_a_delivery_worker_raises_one_through_the_api_without_the_case(api, world, referral, debt_advice):
    response = api(world.delivery_worker).post("/safeguarding", {"referral_id": referral.pk, **BODY})
    assert response.status_code == 201
    body = response.json()
    assert (body["routing"], body["referral_id"], body["person_id"], body["case_id"]) == (
        "lead_team",
        referral.pk,
        None,
        None,
    )
    # Only through the referral: not the person's record, and not another organisation's referral.
    assert (
        api(world.delivery_worker)
        .post("/safeguarding", {"person_id": referral.case.person_id, **BODY})
        .status_code
        == 404
    )
    other = api(world.debt_worker).post("/safeguarding", {"referral_id": referral.pk, **BODY})
    assert other.status_code == 404
    assert SafeguardingConcern.objects.count() == 1


# The safeguarding team's list.


def test_the_safeguarding_list_shows_the_teams_concerns_newest_first(login, world, housing):
    older = _raise(world.practitioner, world.person, CaseFactory(person=world.person))
    newer = _raise(world.housing_worker, world.tenant, world.tenancy_case)
    client = login(world.safeguarder)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("safeguarding:concern_list") in home
    page = client.get(reverse("safeguarding:concern_list")).content.decode()
    assert page.index("Tess Durbeyfield") < page.index("Margaret Thornton")
    assert AccessEvent.objects.get(verb="safeguarding.concern_list_viewed").details["concerns"] == [
        newer.pk,
        older.pk,
    ]
    assert login(world.practitioner).get(reverse("safeguarding:concern_list")).status_code == 403
    assert "Tess" not in login(world.team_manager).get(reverse("safeguarding:concern_list")).content.decode()


def test_the_list_reads_a_fixed_number_of_queries(login, world, housing, django_assert_max_num_queries):
    client = login(world.safeguarder)
    _raise(world.housing_worker, world.tenant, world.tenancy_case)
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("safeguarding:concern_list"))
    for _ in range(5):
        _raise(world.housing_worker, world.tenant, world.tenancy_case)
        _raise(world.practitioner, world.person)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("safeguarding:concern_list")).content.decode()
    assert page.count("Tess Durbeyfield") == 6
