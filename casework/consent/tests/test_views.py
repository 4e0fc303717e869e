"""The consent pages: record, read, withdraw; the panel on the case page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.consent.models import ConsentRecord
from casework.core import clock

from .conftest import record_consent


def _date(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _post(world, **changes):
    data = {
        "basis": "person",
        "purpose": "To arrange food deliveries",
        "organisations": [str(world.foodbank.pk)],
        "data_categories": ["contact_details", "needs"],
        **_date("given_on", clock.today()),
    }
    data.update(changes)
    return data


def test_the_worker_records_consent_from_the_case(login, world, active_case):
    client = login(world.practitioner)
    url = reverse("consent:consent_record", args=[active_case.pk])
    page = client.get(url).content.decode()
    assert "Record consent or a lawful basis" in page and "Test Foodbank (delivery organisation)" in page
    assert "Test County Council (" not in page  # not its own organisation

    response = client.post(url, _post(world))

    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.kind, record.given_by, record.data_categories) == (
        "consent",
        "person",
        ["contact_details", "needs"],
    )
    panel = client.get(reverse("cases:case_sharing", args=[active_case.pk])).content.decode()
    assert "Consent given by the person" in panel and "Live" in panel


def test_bad_input_shows_the_error_summary_and_saves_nothing(login, world, active_case):
    client = login(world.practitioner)
    response = client.post(
        reverse("consent:consent_record", args=[active_case.pk]),
        _post(world, basis="representative", purpose="", data_categories=[]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter what the data is shared for" in page and "Select the data it covers" in page
    assert not ConsentRecord.objects.exists()

    response = client.post(
        reverse("consent:consent_record", args=[active_case.pk]), _post(world, basis="representative")
    )
    page = response.content.decode()
    assert "Enter the name of the representative who gave consent" in page
    assert not ConsentRecord.objects.exists()


def test_recording_is_refused_to_a_case_manager_and_hidden_from_others(login, world, active_case):
    url = reverse("consent:consent_record", args=[active_case.pk])
    assert login(world.case_manager).get(url).status_code == 403
    for name in ("delivery_worker", "outsider", "district_worker"):
        assert login(getattr(world, name)).get(url).status_code == 404, name


def test_the_record_page_is_audited_and_hidden_from_delivery_organisations(login, world, consent):
    url = consent.get_absolute_url()
    page = login(world.practitioner).get(url).content.decode()
    assert "To arrange food deliveries" in page and "Record a withdrawal" in page
    assert AccessEvent.objects.filter(verb="consent.record_viewed", object_id=str(consent.pk)).exists()
    assert "Record a withdrawal" not in login(world.case_manager).get(url).content.decode()
    for name in ("delivery_worker", "outsider", "district_worker"):
        assert login(getattr(world, name)).get(url).status_code == 404, name


def test_withdrawing_from_the_page(login, world, consent):
    client = login(world.practitioner)
    url = reverse("consent:consent_withdraw", args=[consent.pk])
    assert "Sharing stops at once" in client.get(url).content.decode()

    bad = client.post(url, {"version": consent.version, **_date("withdrawn_on", clock.today())})
    assert "Enter who withdrew it" in bad.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None

    response = client.post(
        url,
        {
            "version": consent.version,
            "withdrawn_by_name": "Margaret Thornton",
            **_date("withdrawn_on", clock.today()),
        },
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == clock.today()
    page = client.get(consent.get_absolute_url()).content.decode()
    assert "nothing more is shared under it" in page and "Record a withdrawal" not in page
    assert AuditEvent.objects.filter(verb="consent.consent_withdrawn").count() == 1


def test_a_stale_withdrawal_shows_the_conflict(login, world, consent):
    response = login(world.practitioner).post(
        reverse("consent:consent_withdraw", args=[consent.pk]),
        {"version": consent.version + 1, "withdrawn_by_name": "M", **_date("withdrawn_on", clock.today())},
    )
    assert "Somebody else changed this record" in response.content.decode()


def test_withdrawal_refused_to_a_case_manager(login, world, consent):
    assert (
        login(world.case_manager).get(reverse("consent:consent_withdraw", args=[consent.pk])).status_code
        == 403
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_case_page_takes_the_same_queries_for_one_record_or_several(login, world, active_case, consent):
    client = login(world.practitioner)
    url = active_case.get_absolute_url()
    _count(client, url)  # the first request of a session reads what later ones have cached
    one = _count(client, url)
    record_consent(world, active_case)
    record_consent(
        world,
        active_case,
        kind="lawful_basis",
        lawful_basis="public_task",
        decided_by_name="A",
        decided_by_role="B",
        decision_reason="C",
    )
    assert _count(client, url) == one
