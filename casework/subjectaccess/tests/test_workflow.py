"""The subject access workflow through its services and pages: received, identity verified, clarification
(the clock stops and restarts), extension, the bundle across every app, redaction and release, audited; and
who may handle a request."""

import datetime
import json

import pytest
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.audit.services import access_record
from casework.core import clock
from casework.core.errors import ConflictError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.subjectaccess import services
from casework.subjectaccess.bundle import bundle_redacted
from casework.subjectaccess.choices import RequestStatus
from casework.subjectaccess.errors import ExtensionTooLate, StepNotAllowed
from casework.subjectaccess.models import SubjectAccessRequest
from casework.subjectaccess.selectors import person_list_subject_access_handleable
from conftest import PERSONAS
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2025, 7, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with clock.frozen_at(NOW):
        yield NOW


RECEIVED = D(2025, 6, 2)


def _received(world, received_on=RECEIVED):
    return services.request_receive(
        user=world.auditor,
        person=world.person,
        organisation_id=world.county.pk,
        requester_name="Margaret Thornton",
        requested="Everything you hold about me",
        received_on=received_on,
    )


def test_a_request_runs_end_to_end_and_every_step_is_audited(world, frozen):
    case = CaseFactory(person=world.person)
    sar = _received(world)
    assert sar.due_on == D(2025, 7, 2)
    services.request_verify_identity(
        user=world.auditor, request=sar, version=sar.version, verified_on=D(2025, 6, 4), evidence="Passport"
    )
    sar.refresh_from_db()
    assert sar.status == RequestStatus.IDENTITY_VERIFIED and sar.due_on == D(2025, 7, 4)

    services.request_ask_clarification(
        user=world.auditor, request=sar, version=sar.version, asked_on=D(2025, 6, 5), question="Which years?"
    )
    sar.refresh_from_db()
    assert sar.status == RequestStatus.CLARIFICATION_ASKED and sar.due_on is None  # the clock is stopped
    services.request_receive_clarification(
        user=world.auditor, request=sar, version=sar.version, answered_on=D(2025, 6, 12)
    )
    sar.refresh_from_db()
    # 4 July + 7 days stopped = Friday 11 July.
    assert sar.status == RequestStatus.IDENTITY_VERIFIED and sar.due_on == D(2025, 7, 11)

    services.request_extend(
        user=world.auditor,
        request=sar,
        version=sar.version,
        months=2,
        reason="Ten years of records across three organisations",
        letter_sent_on=D(2025, 7, 10),
    )
    sar.refresh_from_db()
    assert sar.status == RequestStatus.EXTENDED and sar.due_on == D(2025, 9, 11)

    access_record(
        user=world.practitioner, verb="people.record_viewed", obj=world.person, person_id=world.person.pk
    )
    services.request_prepare_bundle(user=world.auditor, request=sar, version=sar.version)
    sar.refresh_from_db()
    sections = sar.bundle["sections"]
    assert sections["people"]["person"][0]["id"] == world.person.pk
    assert [c["id"] for c in sections["cases"]["cases"]] == [case.pk]
    assert {"contacts", "assessments", "consents", "referrals", "plans", "letters", "risk", "audit"} <= set(
        sections
    )
    # Who viewed the record (the practitioner's view, made before the bundle was prepared).
    viewed = sections["audit"]["record_viewed_by"]
    assert any(e["verb"] == "people.record_viewed" and e["actor_id"] == world.practitioner.pk for e in viewed)
    assert all("hash" not in e for e in viewed)

    services.request_redact(
        user=world.auditor,
        request=sar,
        section="people/person",
        record_id=str(world.person.pk),
        field="nhs_number",
        reason="third_party",
        explanation="Example: withheld field",
    )
    services.request_redact(
        user=world.auditor,
        request=sar,
        section="cases/cases",
        record_id=str(case.pk),
        field="",
        reason="serious_harm",
        explanation="Would cause serious harm",
    )
    released = bundle_redacted(sar)
    assert released["sections"]["people"]["person"][0]["nhs_number"].startswith("[Withheld:")
    assert released["sections"]["cases"]["cases"][0] == {
        "id": case.pk,
        "withheld": "[Withheld: Serious harm test (social work exemption)]",
    }
    assert len(released["redactions"]) == 2

    sar.refresh_from_db()
    services.request_release(user=world.auditor, request=sar, version=sar.version)
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RELEASED and sar.released_by == world.auditor

    verbs = list(AuditEvent.objects.filter(person_id=world.person.pk).values_list("verb", flat=True))
    for verb in (
        "subjectaccess.request_received",
        "subjectaccess.identity_verified",
        "subjectaccess.clarification_asked",
        "subjectaccess.clarification_received",
        "subjectaccess.extended",
        "subjectaccess.bundle_prepared",
        "subjectaccess.redaction_marked",
        "subjectaccess.released",
    ):
        assert verb in verbs
    assert AccessEvent.objects.filter(
        verb="subjectaccess.bundle_exported", person_id=world.person.pk
    ).exists()


def test_an_extension_told_after_the_first_month_is_refused_and_changes_nothing(world, frozen):
    sar = _received(world)
    with pytest.raises(ExtensionTooLate):
        services.request_extend(
            user=world.auditor, request=sar, version=sar.version, months=1, reason="Complex",
            letter_sent_on=D(2025, 7, 3),
        )  # fmt: skip
    sar.refresh_from_db()
    assert sar.extension_months == 0 and sar.status == RequestStatus.RECEIVED


def test_steps_out_of_order_and_stale_versions_are_refused(world, frozen):
    sar = _received(world)
    with pytest.raises(StepNotAllowed):
        services.request_release(user=world.auditor, request=sar, version=sar.version)
    with pytest.raises(StepNotAllowed):  # no bundle before identity is verified
        services.request_prepare_bundle(user=world.auditor, request=sar, version=sar.version)
    with pytest.raises(ConflictError):
        services.request_verify_identity(
            user=world.auditor, request=sar, version=sar.version + 1, verified_on=D(2025, 6, 3), evidence="ID"
        )
    with pytest.raises(ValidationFailed):
        services.request_verify_identity(
            user=world.auditor, request=sar, version=sar.version, verified_on=D(2025, 6, 1), evidence="ID"
        )


def test_only_an_auditor_of_an_organisation_holding_the_person_handles_it(world, frozen):
    for user in (world.practitioner, world.org_admin, world.district_auditor):
        with pytest.raises(PermissionRefused):
            services.request_receive(
                user=user,
                person=world.person,
                organisation_id=world.county.pk,
                requester_name="X",
                requested="All",
                received_on=D(2025, 6, 2),
            )
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queryset_twin_agrees_with_the_predicate(world, persona):
    user = getattr(world, persona)
    people = [world.person, world.restricted_person, world.district_person, world.elsewhere_person]
    twin = set(person_list_subject_access_handleable(user=user).values_list("pk", flat=True))
    assert {p.pk for p in people if has_perm(user, "subjectaccess.handle_request", p)} == twin & {
        p.pk for p in people
    }


def _post(client, name, sar, data):
    return client.post(reverse(f"subjectaccess:{name}", args=[sar.pk]), data)


def test_an_auditor_runs_a_request_through_the_pages_and_downloads_the_bundle(world, frozen, login):
    client = login(world.auditor)
    page = client.get(reverse("subjectaccess:request_new", args=[world.person.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("subjectaccess:request_new", args=[world.person.pk]),
        {
            "organisation": world.county.pk,
            "requester_name": "Margaret Thornton",
            "requested": "Everything",
            "received_on_0": "2",
            "received_on_1": "6",
            "received_on_2": "2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sar = SubjectAccessRequest.objects.get()
    response = _post(
        client,
        "request_verify_identity",
        sar,
        {
            "version": sar.version,
            "verified_on_0": "3",
            "verified_on_1": "6",
            "verified_on_2": "2025",
            "evidence": "Passport",
        },
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert _post(client, "request_prepare_bundle", sar, {"version": sar.version}).status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.BUNDLE_PREPARED
    detail = client.get(sar.get_absolute_url())
    assert b"Download the bundle (PDF)" in detail.content
    bundle = json.loads(client.get(reverse("subjectaccess:request_bundle_json", args=[sar.pk])).content)
    assert bundle["sections"]["people"]["person"][0]["family_name"] == "Thornton"
    pdf = client.get(reverse("subjectaccess:request_bundle_pdf", args=[sar.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert _post(client, "request_release", sar, {"version": sar.version}).status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RELEASED


def test_a_bad_form_shows_errors_and_changes_nothing(world, frozen, login):
    client = login(world.auditor)
    sar = _received(world)
    response = _post(client, "request_verify_identity", sar, {"version": sar.version, "evidence": ""})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RECEIVED


@pytest.mark.parametrize("persona", ["district_auditor", "practitioner", "org_admin", "outsider"])
def test_other_organisations_and_other_roles_get_404(world, frozen, login, persona):
    sar = _received(world)
    client = login(getattr(world, persona))
    for url in (
        sar.get_absolute_url(),
        reverse("subjectaccess:request_bundle_json", args=[sar.pk]),
        reverse("subjectaccess:request_new", args=[world.person.pk]),
    ):
        assert client.get(url).status_code == 404
    assert _post(client, "request_release", sar, {"version": sar.version}).status_code == 404
    assert b"Thornton" not in client.get(reverse("subjectaccess:request_list")).content
