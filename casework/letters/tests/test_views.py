"""Letter pages: listed on the case, downloaded (audited), sent from the case, templates for the org admin."""

import pytest
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.letters import services
from casework.letters.models import Letter, LetterTemplate


def test_a_worker_sends_a_letter_from_the_case_and_downloads_it(world, login, active_case, addressed):
    client = login(world.practitioner)
    url = reverse("letters:letter_send", args=[active_case.pk])
    assert "Select the letter to send" in client.post(url, {"appointment_at": ""}).content.decode()
    assert client.post(url, {"kind": "appointment", "appointment_at": "Tuesday at 10am"}).status_code == 302
    letter = Letter.objects.get()
    assert "Tuesday at 10am" in letter.html and letter.sent_by == world.practitioner
    page = client.get(reverse("cases:case_waiting", args=[active_case.pk])).content.decode()
    assert "Appointment confirmation" in page and "Download" in page
    pdf = client.get(reverse("letters:letter_download", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessEvent.objects.filter(verb="letters.letter_downloaded", actor=world.practitioner).exists()


def test_no_address_is_said_on_the_page(world, login, active_case):
    page = login(world.practitioner).post(
        reverse("letters:letter_send", args=[active_case.pk]), {"kind": "invite_contact"}
    )
    assert "has no postal address" in page.content.decode() and not Letter.objects.exists()


@pytest.mark.parametrize("name", ["district_worker", "delivery_worker", "outsider", "initiative_admin"])
def test_others_cannot_see_or_send_letters(world, login, active_case, addressed, name):
    letter = services.letter_send(kind="invite_contact", case=active_case, effect_key="t")
    client = login(getattr(world, name))
    assert client.get(reverse("letters:letter_download", args=[letter.pk])).status_code == 404
    assert client.get(reverse("letters:letter_send", args=[active_case.pk])).status_code == 404


def test_oversight_downloads_but_cannot_send(world, login, active_case, addressed):
    letter = services.letter_send(kind="invite_contact", case=active_case, effect_key="t")
    client = login(world.case_manager)
    assert client.get(reverse("letters:letter_download", args=[letter.pk])).status_code == 200
    assert client.get(reverse("letters:letter_send", args=[active_case.pk])).status_code == 403


def test_a_restricted_persons_letter_is_only_for_those_named_on_them(world, login, risk):
    from casework.allocation.services import case_accept
    from casework.core.permissions import has_perm
    from tests.factories import CaseFactory

    person = world.restricted_person
    person.address_line_1, person.town, person.postcode = "2 Hidden Row", "Casterbridge", "DT1 2BB"
    person.save()
    case = case_accept(user=world.practitioner, case=CaseFactory(person=person, risk_category=risk["high"]))
    letter = services.letter_send(kind="invite_contact", case=case, effect_key="t")
    url = reverse("letters:letter_download", args=[letter.pk])
    assert login(world.practitioner).get(url).status_code == 200
    for colleague in (world.practitioner2, world.case_manager):  # they see the case, but are not named
        assert login(colleague).get(url).status_code == 404
        assert not has_perm(colleague, "letters.view_letter", letter)
    assert has_perm(world.practitioner, "letters.view_letter", letter)


def test_the_org_admin_changes_a_letters_wording(world, login):
    client = login(world.org_admin)
    assert "Still waiting" in client.get(reverse("letters:templates")).content.decode()
    template = LetterTemplate.objects.get(organisation=world.county, kind="still_waiting")
    url = reverse("letters:template_edit", args=[template.pk])
    bad = client.post(url, {"subject": "Still waiting", "body": "{{ person.shoe_size }}", "based_on": 1})
    assert "Unknown placeholders" in bad.content.decode()
    assert (
        client.post(
            url, {"subject": "Still waiting", "body": "<p>Dear {{ person.given_name }}</p>", "based_on": 1}
        ).status_code
        == 302
    )
    assert template.versions.count() == 2
    assert login(world.practitioner).get(reverse("letters:templates")).status_code == 403
