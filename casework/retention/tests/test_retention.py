"""Retention: the default schedule, the dry run (due records and why, never held ones, computed by the
database in a constant number of queries), appraisal, disposal (a tombstone and an audit event, the chain
still verifying), legal holds, and the schedule's versioned changes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.audit.models import AuditEvent
from casework.audit.verify import audit_verify_all
from casework.cases.models import Case
from casework.contacts.models import ContactEvent
from casework.core.errors import ConflictError, PermissionRefused, ValidationFailed
from casework.people.models import Person
from casework.retention import rules, services
from casework.retention.choices import Covers, Decision, RecordKind, RunStatus
from casework.retention.errors import DisposalBlocked, NotDue, RecordHeld
from casework.retention.models import Appraisal, DisposalCandidate, RecordClass, Tombstone
from casework.retention.selectors import retention_subject_access_sections
from casework.retention.tests import every_app
from casework.retention.tests.conftest import advice_only_person, closed_case

pytestmark = pytest.mark.django_db


def _dry_run(world, user=None):
    run = services.dry_run_start(user=user or world.org_admin, organisation_id=world.county.pk, queue=False)
    return services.dry_run_execute(run_id=run.pk)


def _listed(run) -> set[tuple[str, int]]:
    return set(run.candidates.values_list("kind", "object_id"))


def test_the_default_schedule_is_seeded_by_its_data_migration(db):
    defaults = {c.covers: c for c in RecordClass.objects.filter(organisation__isnull=True)}
    assert set(defaults) == set(Covers.values)
    advice, cases = defaults[Covers.ADVICE_ONLY], defaults[Covers.CLOSED_CASE]
    assert (advice.trigger, advice.period, advice.period_unit, advice.action) == (
        "last_contact",
        2,
        "years",
        "destroy",
    )
    assert (cases.trigger, cases.period, cases.period_unit, cases.action) == (
        "closure",
        8,
        "years",
        "destroy",
    )


def test_the_period_counts_from_the_trigger_to_the_corresponding_day():
    eight_years = RecordClass(period=8, period_unit="years")
    assert rules.due_on(eight_years, datetime.date(2016, 2, 29)) == datetime.date(2024, 2, 29)
    assert rules.due_on(eight_years, datetime.date(2017, 2, 28)) == datetime.date(2025, 2, 28)
    six_months = RecordClass(period=6, period_unit="months")
    assert rules.due_on(six_months, datetime.date(2025, 8, 31)) == datetime.date(2026, 2, 28)
    assert rules.latest_trigger(six_months, datetime.date(2026, 2, 28)) == datetime.date(2025, 8, 31)


def test_a_dry_run_lists_what_is_due_and_why_and_nothing_else(world, records):
    run = _dry_run(world)
    assert run.status == RunStatus.DONE
    assert _listed(run) == {
        ("case", records["old_case"].pk),
        ("case", records["old_case2"].pk),
        ("case", records["dead_case"].pk),
        ("person", records["advice_old"].pk),
    }
    old = run.candidates.get(object_id=records["old_case"].pk)
    assert old.reference == records["old_case"].reference
    assert old.record_class.covers == Covers.CLOSED_CASE and old.action == "destroy"
    assert old.why.startswith("Case records: closure on 15 June 2017, 8 years ran out on 15 June 2025")
    dead = run.candidates.get(object_id=records["dead_case"].pk)
    assert dead.record_class.covers == Covers.DECEASED and dead.action == "review"
    assert run.counts["closed_case"] == 2 and run.counts["advice_only"] == 1
    assert run.total == run.processed == 4


def test_held_records_are_never_listed_and_are_counted(world, records):
    services.hold_place(
        user=world.auditor,
        organisation_id=world.county.pk,
        kind="case",
        identifier=records["old_case"].reference,
        reason="inquiry",
        reference="COVID-19 Inquiry",
    )
    services.hold_place(
        user=world.auditor,
        organisation_id=world.county.pk,
        kind="person",
        identifier=str(records["old_case2"].person_id),
        reason="ombudsman",
        reference="LGSCO 24 001 234",
    )
    run = _dry_run(world, world.auditor)
    assert ("case", records["old_case"].pk) not in _listed(run)
    assert ("case", records["old_case2"].pk) not in _listed(run)
    assert run.counts["closed_case_held"] == 2


def _appraise(world, run, obj, decision=Decision.DESTROY, **extra):
    candidate = run.candidates.get(object_id=obj.pk)
    services.appraisal_record(
        user=world.auditor, run=run, candidates=[candidate], decision=decision, reason="Period run", **extra
    )
    return Appraisal.objects.get(candidate=candidate)


def test_disposal_leaves_a_tombstone_and_an_audit_event_and_the_chain_still_verifies(world, records):
    case = records["old_case"]
    person_id, reference = case.person_id, case.reference
    ContactEvent.objects.create(
        organisation=world.county,
        case=case,
        person_id=person_id,
        occurred_at=case.closed_at,
        direction="outbound",
        method="phone",
        contact_role="worker",
        outcome="reached",
        summary="Closing call",
    )
    run = _dry_run(world)
    appraisal = _appraise(world, run, case)
    tombstone = services.record_dispose(user=world.auditor, appraisal=appraisal)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not ContactEvent.objects.filter(case_id=case.pk).exists()
    assert (tombstone.kind, tombstone.former_id, tombstone.reference) == ("case", case.pk, reference)
    assert tombstone.record_class.covers == Covers.CLOSED_CASE and tombstone.appraisal == appraisal
    assert tombstone.rows_deleted["contacts"] == 1 and tombstone.rows_deleted["cases"] >= 1
    event = AuditEvent.objects.filter(verb="retention.disposed").get()
    assert (event.case_id, event.person_id, event.object_id) == (case.pk, person_id, str(tombstone.pk))
    assert "Margaret" not in str(event.changes) and event.changes["former_id"]["before"] == case.pk
    assert all(report.problem is None for report in audit_verify_all())


def test_an_advice_only_person_is_disposed_of_with_their_contacts(world, records):
    person = records["advice_old"]
    run = _dry_run(world)
    services.record_dispose(user=world.org_admin, appraisal=_appraise(world, run, person))
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Tombstone.objects.get(kind="person", former_id=person.pk).reference == ""


def test_a_hold_stops_disposal_until_it_is_lifted(world, records):
    case = records["old_case"]
    run = _dry_run(world)
    appraisal = _appraise(world, run, case)
    hold = services.hold_place(
        user=world.org_admin,
        organisation_id=world.county.pk,
        kind="person",
        identifier=str(case.person_id),
        reason="litigation",
        reference="Claim HQ26X01234",
    )
    with pytest.raises(RecordHeld):
        services.record_dispose(user=world.auditor, appraisal=appraisal)
    assert Case.objects.filter(pk=case.pk).exists() and not Tombstone.objects.exists()
    services.hold_lift(user=world.auditor, hold=hold, reason="Claim settled")
    services.record_dispose(user=world.auditor, appraisal=appraisal)
    assert not Case.objects.filter(pk=case.pk).exists()


def test_nothing_is_disposed_of_without_a_destroy_appraisal_of_a_record_still_due(world, records):
    run = _dry_run(world)
    keep = _appraise(world, run, records["old_case"], Decision.KEEP)
    with pytest.raises(NotDue):
        services.record_dispose(user=world.auditor, appraisal=keep)
    # Kept records and extended ones are not listed again; the others are.
    _appraise(world, run, records["old_case2"], Decision.EXTEND, review_on=datetime.date(2027, 1, 1))
    again = _dry_run(world)
    assert _listed(again) == {("case", records["dead_case"].pk), ("person", records["advice_old"].pk)}


def test_a_disposal_run_disposes_of_what_was_appraised_for_destruction_and_leaves_the_held(world, records):
    run = _dry_run(world)
    _appraise(world, run, records["old_case"])
    _appraise(world, run, records["advice_old"])
    services.hold_place(
        user=world.auditor,
        organisation_id=world.county.pk,
        kind="case",
        identifier=records["old_case"].reference,
        reason="inquiry",
        reference="Inquiry 1",
    )
    disposal = services.disposal_run_start(user=world.auditor, source_run=run, queue=False)
    disposal = services.disposal_run_execute(run_id=disposal.pk)
    assert disposal.counts == {"disposed": 1, "held": 1, "not_due": 0, "blocked": 0}
    assert Case.objects.filter(pk=records["old_case"].pk).exists()
    assert not Person.objects.filter(pk=records["advice_old"].pk).exists()


def test_changing_a_default_class_gives_the_organisation_its_own_and_keeps_versions(world, records):
    default = RecordClass.objects.get(organisation__isnull=True, covers=Covers.CLOSED_CASE)
    own = services.record_class_change(
        user=world.org_admin,
        organisation_id=world.county.pk,
        record_class=default,
        version=default.version,
        name="Case records (CASE+6)",
        period=6,
        period_unit="years",
        action="destroy",
        reason="Derbyshire practice adopted by the board",
    )
    default.refresh_from_db()
    assert (default.period, own.organisation_id, own.period, own.version) == (8, world.county.pk, 6, 1)
    assert _listed(_dry_run(world)) >= {("case", records["recent_case"].pk)}
    services.record_class_change(
        user=world.org_admin, organisation_id=world.county.pk, record_class=own, version=1,
        name=own.name, period=7, period_unit="years", action="review", reason="Second thoughts",
    )  # fmt: skip
    own.refresh_from_db()
    assert (own.period, own.version) == (7, 2)
    with pytest.raises(ConflictError):
        services.record_class_change(
            user=world.org_admin, organisation_id=world.county.pk, record_class=own, version=1,
            name=own.name, period=5, period_unit="years", action="review", reason="Stale",
        )  # fmt: skip
    event = AuditEvent.objects.filter(verb="retention.class_changed").last()
    assert event.reason == "Second thoughts" and event.changes["period"] == {"before": 6, "after": 7}


def test_only_organisation_admins_change_the_schedule_and_only_governors_govern(world, records):
    default = RecordClass.objects.get(organisation__isnull=True, covers=Covers.CLOSED_CASE)
    with pytest.raises(PermissionRefused):
        services.record_class_change(
            user=world.auditor, organisation_id=world.county.pk, record_class=default, version=1,
            name="x", period=1, period_unit="years", action="keep", reason="x",
        )  # fmt: skip
    for user in (world.practitioner, world.team_manager, world.district_auditor):
        with pytest.raises(PermissionRefused):
            services.dry_run_start(user=user, organisation_id=world.county.pk)
    with pytest.raises(ValidationFailed):
        services.hold_place(
            user=world.auditor,
            organisation_id=world.county.pk,
            kind="case",
            identifier=records["district_case"].reference,
            reason="inquiry",
            reference="x",
        )


def test_the_dry_run_reads_a_constant_number_of_queries(world, frozen):
    def queries_for(n: int) -> int:
        for _ in range(n):
            closed_case(world.county, years=9)
        run = services.dry_run_start(user=world.org_admin, organisation_id=world.county.pk, queue=False)
        with CaptureQueriesContext(connection) as captured:
            services.dry_run_execute(run_id=run.pk)
        return len(captured.captured_queries)

    assert queries_for(1) == queries_for(5)


def test_the_dry_run_page_reads_a_constant_number_of_queries(world, records, client, login):
    run = _dry_run(world)
    login(world.auditor)
    url = run.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        closed_case(world.county, years=9)
    more = _dry_run(world)
    services.appraisal_record(
        user=world.auditor, run=more, candidates=list(more.candidates.all()[:3]), decision="keep", reason="x"
    )
    client.get(more.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        assert client.get(more.get_absolute_url()).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_command_lists_what_would_go_as_csv(world, records, tmp_path):
    out = tmp_path / "due.csv"
    err = io.StringIO()
    call_command(
        "retention_dry_run", str(world.county.pk), "--user", "auditor", "--output", str(out), stderr=err
    )
    lines = out.read_text().splitlines()
    assert lines[0].startswith("kind,id,reference,class") and len(lines) == 5
    assert records["old_case"].reference in out.read_text()
    assert "4 records due" in err.getvalue()
    assert DisposalCandidate.objects.filter(kind=RecordKind.CASE).count() == 3


def test_holds_and_appraisals_about_a_person_are_in_their_subject_access_bundle(world, records):
    case = records["old_case"]
    services.hold_place(
        user=world.auditor,
        organisation_id=world.county.pk,
        kind="case",
        identifier=case.reference,
        reason="ombudsman",
        reference="LGSCO 1",
    )
    _appraise(world, _dry_run(world), records["old_case2"], Decision.KEEP)
    sections = dict(retention_subject_access_sections(person_id=case.person_id))
    assert [row["reference"] for row in sections["legal_holds"]] == ["LGSCO 1"]
    assert list(sections["appraisals"]) == []
    other = dict(retention_subject_access_sections(person_id=records["old_case2"].person_id))
    assert [row["decision"] for row in other["appraisals"]] == ["keep"]


# Disposal through every app ---------------------------------------------------------------------------------


def _dispose_case_with_every_record(world, n: int):
    """A closed case past its period with `n` records of every kind in every app; appraised and disposed of.
    Returns the case's former id and person, the tombstone and the disposal's queries."""
    case = closed_case(world.county, years=9)
    every_app.fill_case(world, case, every_app.shared(world), n)
    run = _dry_run(world)
    appraisal = _appraise(world, run, case)
    with CaptureQueriesContext(connection) as queries:
        tombstone = services.record_dispose(user=world.auditor, appraisal=appraisal)
    return case, tombstone, len(queries)


def test_a_case_with_records_in_every_app_is_disposed_of_leaving_a_tombstone_and_one_event(world, frozen):
    case, tombstone, _ = _dispose_case_with_every_record(world, 1)
    assert not Case.objects.filter(pk=case.pk).exists()
    left = {
        model.__name__: model.objects.count() for model in every_app.CASE_MODELS if model.objects.exists()
    }
    assert left == {}
    assert Person.objects.filter(pk=case.person_id).exists()  # the person is disposed of on their own
    assert tombstone.rows_deleted["plans"] == 15 and tombstone.rows_deleted["careact"] == 5
    apps = [
        "safeguarding",
        "reviews",
        "waiting_list",
        "referrals",
        "consent",
        "careact",
        "assessments",
        "tasks",
    ]
    assert all(tombstone.rows_deleted[app] >= 1 for app in apps)
    event = AuditEvent.objects.filter(verb="retention.disposed").get()
    assert event.case_id == case.pk and event.changes["rows_deleted"]["after"] == tombstone.rows_deleted
    assert all(report.problem is None for report in audit_verify_all())


def test_disposing_of_a_case_takes_the_same_queries_with_one_or_five_records_of_each_kind(world, frozen):
    _, _, one = _dispose_case_with_every_record(world, 1)
    _, tombstone, five = _dispose_case_with_every_record(world, 5)
    assert tombstone.rows_deleted["referrals"] == 10  # five referrals, each with its action
    assert one == five


def test_a_held_case_with_records_in_every_app_is_not_touched(world, frozen):
    case = closed_case(world.county, years=9)
    every_app.fill_case(world, case, every_app.shared(world))
    run = _dry_run(world)
    appraisal = _appraise(world, run, case)
    counts = {model: model.objects.count() for model in every_app.CASE_MODELS}
    services.hold_place(
        user=world.auditor,
        organisation_id=world.county.pk,
        kind="case",
        identifier=case.reference,
        reason="inquiry",
        reference="COVID-19 Inquiry",
    )
    with pytest.raises(RecordHeld):
        services.record_dispose(user=world.auditor, appraisal=appraisal)
    assert Case.objects.filter(pk=case.pk).exists() and not Tombstone.objects.exists()
    assert {model: model.objects.count() for model in every_app.CASE_MODELS} == counts


def _dispose_person_with_every_record(world, n: int):
    person = advice_only_person(world.county, years=3)
    every_app.fill_person(world, person, every_app.shared(world), n)
    run = _dry_run(world)
    appraisal = _appraise(world, run, person)
    with CaptureQueriesContext(connection) as queries:
        tombstone = services.record_dispose(user=world.auditor, appraisal=appraisal)
    return person, tombstone, len(queries)


def test_an_advice_only_person_with_records_in_every_app_is_disposed_of(world, frozen):
    person, tombstone, one = _dispose_person_with_every_record(world, 1)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert {m.__name__: m.objects.count() for m in every_app.PERSON_MODELS if m.objects.exists()} == {}
    assert tombstone.rows_deleted["safeguarding"] == 1 and tombstone.rows_deleted["risk"] == 5
    assert AuditEvent.objects.filter(verb="retention.disposed", person_id=person.pk).count() == 1
    assert all(report.problem is None for report in audit_verify_all())
    _, _, five = _dispose_person_with_every_record(world, 5)
    assert one == five


def test_a_person_who_made_a_subject_access_request_is_kept_with_the_reason(world, frozen):
    person = advice_only_person(world.county, years=3)
    every_app.subject_access_request(world, person)
    run = _dry_run(world)
    with pytest.raises(DisposalBlocked, match="subject access request"):
        services.record_dispose(user=world.auditor, appraisal=_appraise(world, run, person))
    assert Person.objects.filter(pk=person.pk).exists() and not Tombstone.objects.exists()
