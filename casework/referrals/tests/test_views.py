"""Referral pages: the worklist, one referral for each side, making one, the delivery side's answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.consent import services as consent_services
from casework.core import clock
from casework.referrals import services
from casework.referrals.models import Referral

from .conftest import SITUATION, record_consent, refer


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _accept(world, referral):
    return services.referral_accept(user=world.delivery_worker, referral=referral, version=referral.version)


# The worklist.


def test_the_delivery_worker_sees_their_referrals_new_first(login, world, active_case, referral, debt):
    _accept(world, referral)
    debt.refresh_from_db()
    newer = refer(world, active_case, [debt], basis=referral.basis)
    page = login(world.delivery_worker).get(reverse("referrals:worklist")).content.decode()
    assert page.index(newer.reference) < page.index(referral.reference)
    assert "Margaret Thornton" in page and "Access to food" in page and "Debt advice" in page
    event = AccessEvent.objects.filter(verb="referrals.worklist_viewed").last()
    assert set(event.details["referrals"]) == {referral.pk, newer.pk}


def test_the_worklist_filters_by_status(login, world, referral):
    client = login(world.delivery_worker)
    assert (
        referral.reference in client.get(reverse("referrals:worklist"), {"status": "sent"}).content.decode()
    )
    assert (
        referral.reference
        not in client.get(reverse("referrals:worklist"), {"status": "accepted"}).content.decode()
    )
    services.referral_decline(
        user=world.delivery_worker, referral=referral, version=referral.version, reason="Full"
    )
    assert referral.reference not in client.get(reverse("referrals:worklist")).content.decode()
    assert (
        referral.reference
        in client.get(reverse("referrals:worklist"), {"status": "declined"}).content.decode()
    )


def test_the_worklist_is_for_delivery_organisations_only(login, world, referral, debt_advice):
    assert login(world.practitioner).get(reverse("referrals:worklist")).status_code == 403
    page = login(world.debt_worker).get(reverse("referrals:worklist")).content.decode()
    assert referral.reference not in page and "No referrals here." in page


def test_the_nav_offers_referrals_to_delivery_staff(login, world):
    assert 'href="/referrals/"' in login(world.delivery_worker).get("/").content.decode()
    assert 'href="/referrals/"' not in login(world.practitioner).get("/").content.decode()


def test_the_worklist_takes_the_same_queries_for_one_referral_or_a_page(
    login, world, active_case, referral, needs, django_assert_max_num_queries
):
    from casework.assessments import services as assessments
    from casework.assessments.services import need_definition_create

    client = login(world.delivery_worker)
    url = reverse("referrals:worklist")
    _count(client, url)
    one = _count(client, url)
    for n in range(4):
        definition = need_definition_create(
            user=world.initiative_admin,
            initiative_id=world.initiative.pk,
            code=f"extra_{n}",
            name=f"Extra need {n}",
            category="other",
        )
        need = assessments.need_record(user=world.practitioner, case=active_case, definition=definition)
        refer(world, active_case, [need], basis=referral.basis)
    assert _count(client, url) == one
    with django_assert_max_num_queries(one):
        client.get(url, {"status": "all"})


def test_the_worklist_is_paginated(login, world, active_case, referral, needs, monkeypatch):
    from casework.assessments import services as assessments
    from casework.referrals import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    debt = assessments.need_record(user=world.practitioner, case=active_case, definition=needs["debt_advice"])
    refer(world, active_case, [debt], basis=referral.basis)
    page = login(world.delivery_worker).get(reverse("referrals:worklist")).content.decode()
    assert "Showing 1 to 1 of 2 referrals" in page and "govuk-pagination" in page


# One referral, as the delivery organisation sees it.


def test_the_delivery_worker_sees_only_what_the_consent_covers(login, world, referral):
    client = login(world.delivery_worker)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Margaret Thornton" in page and "RG40 1AA" in page
    assert "Cupboards bare" in page and "Phone before visiting" in page
    assert SITUATION not in page and "Assessment summary</h2>" not in page
    assert referral.case.reference not in page and world.person.get_absolute_url() not in page
    event = AccessEvent.objects.filter(verb="referrals.referral_viewed").last()
    assert (event.actor_id, event.details) == (
        world.delivery_worker.pk,
        {"side": "delivery", "shared": ["contact_details", "needs"]},
    )


def test_after_withdrawal_the_page_says_so_and_shows_no_personal_data(login, world, referral, consent):
    consent_services.consent_withdraw(
        user=world.practitioner,
        record=consent,
        version=consent.version,
        withdrawn_on=clock.today(),
        withdrawn_by_name="Margaret Thornton",
    )
    page = login(world.delivery_worker).get(referral.get_absolute_url()).content.decode()
    assert "Consent withdrawn on" in page and "nothing more is shared" in page
    for secret in ("Margaret", "Thornton", "RG40", "Cupboards", "second floor", "Phone before visiting"):
        assert secret not in page, secret
    assert "Accept the referral" not in page and "Decline the referral" in page
    worklist = login(world.delivery_worker).get(reverse("referrals:worklist")).content.decode()
    assert "Thornton" not in worklist and "Nothing more shared" in worklist


def test_the_assessment_summary_shows_only_when_covered(login, world, active_case, food):
    basis = record_consent(world, active_case, categories=["needs", "assessment_summary"])
    referral = refer(world, active_case, [food], basis=basis)
    page = login(world.delivery_worker).get(referral.get_absolute_url()).content.decode()
    assert SITUATION in page and "Thornton" not in page


def test_the_delivery_organisation_opens_nothing_else(login, world, referral, completed, food, consent):
    client = login(world.delivery_worker)
    for url in (
        referral.case.get_absolute_url(),
        world.person.get_absolute_url(),
        completed.get_absolute_url(),
        reverse("assessments:need_edit", args=[food.pk]),
        consent.get_absolute_url(),
        reverse("consent:consent_record", args=[referral.case_id]),
        reverse("referrals:referral_make", args=[referral.case_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_other_organisations_do_not_see_the_referral(login, world, referral, debt_advice):
    for name in ("debt_worker", "district_worker", "outsider"):
        assert login(getattr(world, name)).get(referral.get_absolute_url()).status_code == 404, name


# Answering.


def test_accept_record_the_plan_an_action_and_update_the_need(login, world, referral, food):
    client = login(world.delivery_worker)
    response = client.post(
        reverse("referrals:referral_accept", args=[referral.pk]), {"version": referral.version}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"

    client.post(
        reverse("referrals:referral_plan", args=[referral.pk]),
        {"version": referral.version, "plan": "Weekly parcels for a month"},
    )
    today = clock.today()
    client.post(
        reverse("referrals:referral_action_add", args=[referral.pk]),
        {
            "description": "First parcel delivered",
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
        },
    )
    food.refresh_from_db()
    response = client.post(
        reverse("referrals:referral_need_status", args=[referral.pk, food.pk]),
        {"version": food.version, "status": "being_managed", "note": "Parcels started"},
    )
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.status == "being_managed"

    page = client.get(referral.get_absolute_url()).content.decode()
    assert (
        "Weekly parcels for a month" in page and "First parcel delivered" in page and "Being managed" in page
    )


def test_decline_without_a_reason_shows_the_error_and_changes_nothing(login, world, referral):
    client = login(world.delivery_worker)
    url = reverse("referrals:referral_decline", args=[referral.pk])
    page = client.post(url, {"version": referral.version, "reason": ""}).content.decode()
    assert "govuk-error-summary" in page and "Enter why the referral is declined" in page
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert client.post(url, {"version": referral.version, "reason": "Full"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined"


def test_a_stale_plan_shows_the_conflict(login, world, referral):
    _accept(world, referral)
    page = (
        login(world.delivery_worker)
        .post(
            reverse("referrals:referral_plan", args=[referral.pk]),
            {"version": referral.version - 1, "plan": "x"},
        )
        .content.decode()
    )
    assert "Somebody else changed this referral" in page


def test_closing_with_needs_in_hand_is_refused_on_the_page(login, world, referral):
    _accept(world, referral)
    page = (
        login(world.delivery_worker)
        .post(
            reverse("referrals:referral_close", args=[referral.pk]),
            {"version": referral.version, "note": "Done"},
        )
        .content.decode()
    )
    assert "Update the status of each need first" in page
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_holder_may_read_but_not_answer(login, world, referral):
    client = login(world.practitioner)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Test Foodbank can see now: contact details; the needs referred" in page
    assert "Accept the referral" not in page
    assert (
        client.post(
            reverse("referrals:referral_accept", args=[referral.pk]), {"version": referral.version}
        ).status_code
        == 403
    )
    assert client.get(reverse("referrals:referral_plan", args=[referral.pk])).status_code == 403


# Making a referral from the case.


def test_the_worker_refers_a_need_from_the_case(login, world, active_case, food, debt, consent):
    client = login(world.practitioner)
    url = reverse("referrals:referral_make", args=[active_case.pk])
    page = client.get(url).content.decode()
    assert "Access to food" in page and "Test Foodbank" in page and "live" in page
    response = client.post(
        url,
        {
            "delivery_organisation": world.foodbank.pk,
            "needs": [food.pk],
            "basis": consent.pk,
            "circumstances": "Lives alone",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert list(referral.needs.all()) == [food] and referral.circumstances == "Lives alone"


def test_referring_without_consent_shows_the_reason_and_saves_nothing(login, world, active_case, food):
    client = login(world.practitioner)
    url = reverse("referrals:referral_make", args=[active_case.pk])
    assert "No consent or lawful basis is recorded on this case" in client.get(url).content.decode()
    page = client.post(url, {"delivery_organisation": world.foodbank.pk, "needs": [food.pk]}).content.decode()
    assert "govuk-error-summary" in page and "There is no live consent or lawful basis" in page
    assert not Referral.objects.exists()
    food.refresh_from_db()
    assert food.status == "identified"


def test_referring_is_refused_to_a_case_manager(login, world, active_case):
    assert (
        login(world.case_manager).get(reverse("referrals:referral_make", args=[active_case.pk])).status_code
        == 403
    )


# The case page.


def test_the_case_page_shows_the_delivery_organisations_updates(login, world, referral, food):
    _accept(world, referral)
    services.referral_plan_record(
        user=world.delivery_worker, referral=referral, version=referral.version, plan="Weekly parcels"
    )
    food.refresh_from_db()
    services.referral_need_status_update(
        user=world.delivery_worker,
        referral=referral,
        need=food,
        version=food.version,
        status="being_managed",
        note="Parcels started",
    )
    sharing = reverse("cases:case_sharing", args=[referral.case.pk])
    page = login(world.practitioner).get(sharing).content.decode()
    panel = page[page.index('id="referrals"') :]
    assert referral.reference in panel and "Accepted" in panel and "Weekly parcels" in panel
    assert "Access to food: <strong>Being managed</strong>" in panel and "Parcels started" in panel


@pytest.mark.django_db
def test_the_case_page_takes_the_same_queries_for_one_referral_or_several(
    login, world, active_case, referral, needs
):
    from casework.assessments import services as assessments

    client = login(world.practitioner)
    url = active_case.get_absolute_url()
    _count(client, url)
    one = _count(client, url)
    _accept(world, referral)
    services.referral_action_record(
        user=world.delivery_worker, referral=referral, occurred_on=clock.today(), description="Called her"
    )
    for code in ("debt_advice", "loneliness"):
        need = assessments.need_record(user=world.practitioner, case=active_case, definition=needs[code])
        refer(world, active_case, [need], basis=referral.basis)
    assert _count(client, url) == one
