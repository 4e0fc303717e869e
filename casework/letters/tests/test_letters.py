"""Letters: rendered to PDF in the person's name and address, stored, logged on the case, sent once per
key."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from casework.core import clock, jobs
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.letters import rendering, services
from casework.letters.backends import FolderBackend, NotifyBackend
from casework.letters.models import Letter, LetterTemplate
from casework.waiting_list import services as waiting


def test_a_letter_is_rendered_stored_sent_and_logged_once(world, unallocated, addressed):
    letter = services.letter_send(kind="invite_contact", case=unallocated, effect_key="test:1")
    assert bytes(letter.pdf).startswith(b"%PDF") and letter.pdf_size > 1000
    assert letter.addressed_to.splitlines() == ["Margaret Thornton", "4 Mill Lane", "Casterbridge", "DT1 1AA"]
    assert letter.template_version.number == 1 and letter.subject == "Please get in touch with us"
    sent = Path(letter.backend_reference)
    assert sent.parent == Path(settings.CASEWORK_LETTERS_DIR) and sent.read_bytes() == bytes(letter.pdf)
    again = services.letter_send(kind="invite_contact", case=unallocated, effect_key="test:1")
    assert again.pk == letter.pk and Letter.objects.count() == 1
    assert "Dear Margaret Thornton" in letter.html and unallocated.reference in letter.html
    assert "4 Mill Lane" in letter.html and "Casterbridge" in letter.html


def test_large_print_is_flagged_for_the_printer(world, unallocated, addressed):
    addressed.accessible_format = "large_print"
    addressed.save()
    letter = services.letter_send(kind="invite_contact", case=unallocated, effect_key="test:lp")
    assert letter.large_print and "LARGE-PRINT" in letter.backend_reference


def test_no_address_means_no_letter_and_a_clear_reason(world, unallocated):
    with pytest.raises(DomainError, match="has no postal address"):
        services.letter_send(kind="invite_contact", case=unallocated, effect_key="test:2")
    assert not Letter.objects.exists()


def test_the_org_admin_revises_a_template_checked_and_versioned(world, unallocated, addressed):
    services.letter_templates_install_standard(organisation_id=world.county.pk)
    template = LetterTemplate.objects.get(organisation=world.county, kind="invite_contact")
    with pytest.raises(ValidationFailed) as refused:
        services.letter_template_revise(
            user=world.org_admin,
            template=template,
            based_on=1,
            subject="Hello",
            body="<p>Dear {{ person.nickname }}</p>",
        )
    assert "Unknown placeholders: {{ person.nickname }}" in refused.value.errors["body"]
    with pytest.raises(ValidationFailed):
        services.letter_template_revise(
            user=world.org_admin, template=template, based_on=1, subject="Hello", body="<p>{% if %}</p>"
        )
    services.letter_template_revise(
        user=world.org_admin,
        template=template,
        based_on=1,
        subject="Hello",
        body="<p>Dear {{ person.given_name }}, call {{ case.reference }}</p>",
    )
    with pytest.raises(ConflictError):
        services.letter_template_revise(
            user=world.org_admin, template=template, based_on=1, subject="Hi", body="<p>Hi</p>"
        )
    with pytest.raises(PermissionRefused):
        services.letter_template_revise(
            user=world.team_manager, template=template, based_on=2, subject="Hi", body="<p>Hi</p>"
        )
    letter = services.letter_send(kind="invite_contact", case=unallocated, effect_key="test:3")
    assert letter.template_version.number == 2 and letter.subject == "Hello"


def test_placeholders_are_filled_and_escaped():
    html = rendering.render_text("<p>{{ person.given_name }}</p>", {"person.given_name": "<b>Jo</b>"})
    assert html == "<p>&lt;b&gt;Jo&lt;/b&gt;</p>"
    assert (
        rendering.template_problems("S", "{% load static %}")["body"] == "Templates cannot load tag libraries"
    )


def test_joining_the_waiting_list_sends_a_letter_once_the_job_runs(world, unallocated, addressed):
    with clock.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        entry = waiting.waiting_list_add(
            user=world.duty_officer,
            case=unallocated,
            list_kind="assessment",
            priority="normal",
            rag="amber",
            rag_reason="Managing",
        )
        assert not Letter.objects.exists()
        jobs.run_pending()
        jobs.run_pending()
    letter = Letter.objects.get()
    assert (letter.kind, letter.case, letter.effect_key) == (
        "waiting_list_added",
        unallocated,
        f"waiting_list_added:{entry.pk}",
    )
    assert "people waiting for an assessment" in letter.html and "4 January 2027" in letter.html


def test_a_letter_never_promises_a_date_already_past(world, unallocated, addressed):
    # Added today for a request received long ago: its due date has passed (issue 13, West Sussex).
    with clock.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        waiting.waiting_list_add(
            user=world.duty_officer,
            case=unallocated,
            list_kind="assessment",
            priority="normal",
            rag="amber",
            rag_reason="Managing",
            received_on=datetime.date(2026, 9, 1),
        )
        jobs.run_pending()
        jobs.run_pending()
    letter = Letter.objects.get()
    assert "We aim to contact you by" not in letter.html
    assert "We aimed to contact you by" in letter.html and "we are sorry that we have not yet" in letter.html


def test_still_waiting_letters_go_at_the_interval_unless_allocated(world, unallocated, addressed):
    from casework.allocation import services as allocation
    from casework.waiting_list.letters import still_waiting_sweep

    with clock.frozen_at(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)):
        entry = waiting.waiting_list_add(
            user=world.duty_officer,
            case=unallocated,
            list_kind="assessment",
            priority="low",
            rag="green",
            rag_reason="Stable",
        )
        jobs.run_pending()
    assert still_waiting_sweep(today=datetime.date(2026, 12, 29)) == 0  # 27 days
    assert still_waiting_sweep(today=datetime.date(2026, 12, 30)) == 1  # 28 days
    assert still_waiting_sweep(today=datetime.date(2026, 12, 30)) == 0  # not twice
    jobs.run_pending()
    assert Letter.objects.filter(kind="still_waiting").count() == 1
    entry.refresh_from_db()
    assert entry.next_letter_on == datetime.date(2027, 1, 27)
    allocation.case_accept(user=world.practitioner, case=unallocated)
    assert still_waiting_sweep(today=datetime.date(2027, 2, 1)) == 0  # left the list
    assert Letter.objects.filter(kind="still_waiting").count() == 1


def test_a_letter_job_that_fails_is_retried_then_listed(world, unallocated):
    from casework.core.models import JobFailure

    jobs.enqueue(
        "letters.send",
        kind="invite_contact",
        case_id=unallocated.pk,
        effect_key="t:4",
        organisation_id=world.county.pk,
    )
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    for _ in range(4):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        jobs.run_pending()
    failure = JobFailure.objects.get()
    assert "has no postal address" in failure.error and failure.organisation == world.county


class FakeNotify:
    def __init__(self):
        self.sent = []

    def get_all_notifications(self, template_type, reference):
        return {"notifications": [{"id": n} for r, n in self.sent if r == reference]}

    def send_precompiled_letter_notification(self, reference, pdf_file):
        self.sent.append((reference, f"notify-{len(self.sent) + 1}"))
        return {"id": self.sent[-1][1]}


def test_the_notify_backend_never_sends_the_same_letter_twice():
    fake = FakeNotify()
    backend = NotifyBackend(client=fake)
    letter = Letter(effect_key="waiting_list_added:9", pdf=b"%PDF-1.7", kind="waiting_list_added")
    assert backend.send(letter) == "notify-1"
    assert backend.send(letter) == "notify-1" and len(fake.sent) == 1


def test_the_folder_backend_overwrites_rather_than_duplicates(tmp_path):
    backend = FolderBackend(tmp_path)
    letter = Letter(effect_key="k", pdf=b"%PDF-1", kind="appointment")
    backend.send(letter)
    backend.send(letter)
    assert len(list(tmp_path.iterdir())) == 1


def test_a_letter_from_the_person_is_acknowledged_by_post(world, active_case, addressed):
    from casework.contacts.services import contact_record

    contact_record(
        user=world.practitioner,
        occurred_at=clock.now(),
        direction="inbound",
        method="letter",
        contact_role="person",
        outcome="reached",
        case=active_case,
        summary="Asks about help at home",
        original_held_at="Case file",
    )
    jobs.run_pending()
    letter = Letter.objects.get(kind="acknowledgement")
    assert "We received your letter" in letter.html and active_case.reference in letter.html
