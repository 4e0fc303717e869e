"""Record linkage: models trained and approved before use, thresholds per initiative, a matching run over an
import (incremental, idempotent, households by UPRN, the cluster cap), and clerical review with undo."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.audit.models import AuditEvent
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.people.models import HouseholdMembership, Person
from casework.risk import linking
from casework.risk.choices import Resolution
from casework.risk.linking_models import MatchingModel, MatchLabel, ReviewItem, ReviewStatus
from casework.risk.models import SourceRecord
from casework.risk.pipeline import synthetic
from casework.risk.tests.linking_helpers import approved_model, import_rows, person, second_source

pytestmark = pytest.mark.django_db

FIRST = [
    person("A1", "Agatha", "Pembleton", "1944-05-02", uprn="100060001001", address="1 Mill Lane",
           postcode="RG40 1AA"),
    person("A2", "Bernard", "Pembleton", "1942-11-20", uprn="100060001001", address="1 Mill Lane",
           postcode="RG40 1AA"),
    person("A3", "Cyril", "Oakes", "1950-03-03", uprn="100060002002", address="2 Elm Road",
           postcode="RG41 2BB"),
]  # fmt: skip
SECOND = [
    person("B1", "Agatha", "Pembelton", "1944-05-02", uprn="100060001001", postcode="RG40 1AA"),  # a typo
    person("B2", "Cyril", "Oakes", "1950-03-03", uprn="100060009001", postcode="RG45 7ZZ"),  # moved
    person("B5", "C", "Oakes", "1950-03-03", uprn="100060009003"),  # too little to say: a new person
    person("B6", "Cyril", "Oakes", "", uprn="100060009004"),  # no date of birth: uncertain (p about 0.69)
]


def _run(user, risk_import):
    run, created = linking.matching_run_start(user=user, risk_import=risk_import, queue=False)
    assert created
    return linking.matching_run_execute(run_id=run.pk)


def _by_ref(risk_import):
    return {r.person_reference: r for r in SourceRecord.objects.filter(risk_import=risk_import)}


@pytest.fixture
def matched(risk_world, savvi_source, tmp_path):
    """The first file matched (three new people, two of them in one household), the second imported."""
    w = risk_world
    w.model = approved_model(w.risk_analyst, w.initiative.pk)
    linking.matching_settings_change(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        version=0,
        data={"link_threshold": 0.99, "review_threshold": 0.5, "max_cluster": 10},
    )
    w.first = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path, "first.csv")
    w.first_run = _run(w.risk_analyst, w.first)
    w.second = import_rows(w.risk_analyst, second_source(w.risk_analyst, w.initiative.pk), SECOND, tmp_path)
    return w


def test_the_first_file_makes_new_people_and_puts_one_address_in_one_household(matched):
    run = matched.first_run
    assert (run.records_matched, run.people_created, run.records_linked, run.records_in_review) == (
        3,
        3,
        0,
        0,
    )
    assert run.matching_model == matched.model and run.link_threshold == 0.99 and run.review_threshold == 0.5
    records = _by_ref(matched.first)
    assert {r.resolution for r in records.values()} == {Resolution.NEW_PERSON}
    agatha, bernard, cyril = (records[ref].person for ref in ("A1", "A2", "A3"))
    assert (agatha.given_name, agatha.family_name, str(agatha.date_of_birth), agatha.uprn) == (
        "Agatha", "Pembleton", "1944-05-02", 100060001001)  # fmt: skip
    homes = {m.person_id: m.household for m in HouseholdMembership.objects.filter(end_date__isnull=True)}
    assert homes[agatha.pk] == homes[bernard.pk] != homes[cyril.pk]
    assert homes[agatha.pk].uprn == 100060001001
    assert AuditEvent.objects.filter(verb="people.person_created").count() == 3
    assert AuditEvent.objects.filter(verb="risk.matching_run_finished", object_id=str(run.pk)).exists()


def test_a_new_file_is_matched_incrementally_against_the_index(matched):
    people_before = Person.objects.count()
    run = _run(matched.risk_analyst, matched.second)
    assert (run.records_matched, run.records_linked, run.people_created, run.records_in_review) == (
        4,
        2,
        1,
        1,
    )
    first, second = _by_ref(matched.first), _by_ref(matched.second)
    assert second["B1"].resolution == Resolution.LINKED and second["B1"].person_id == first["A1"].person_id
    assert second["B2"].person_id == first["A3"].person_id and second["B2"].resolved_by == "splink"
    assert second["B5"].resolution == Resolution.NEW_PERSON
    assert second["B6"].resolution == Resolution.IN_REVIEW and second["B6"].person_id is None
    item = ReviewItem.objects.get(record=second["B6"])
    assert item.candidate_person_id == first["A3"].person_id and 0.5 <= item.probability < 0.99
    assert item.waterfall[0]["comparison"] == "prior"
    assert {bar["comparison"] for bar in item.waterfall} >= {"given_name", "family_name", "date_of_birth"}
    assert Person.objects.count() == people_before + 1


def test_running_again_changes_nothing(matched):
    run = _run(matched.risk_analyst, matched.second)
    state = list(SourceRecord.objects.values_list("pk", "resolution", "person_id").order_by("pk"))
    counts = (Person.objects.count(), ReviewItem.objects.count(), HouseholdMembership.objects.count())
    # The finished run again, and a new run of the same import.
    assert linking.matching_run_execute(run_id=run.pk).records_matched == 4
    again = _run(matched.risk_analyst, matched.second)
    assert (again.records_matched, again.people_created, again.records_in_review) == (0, 0, 0)
    assert list(SourceRecord.objects.values_list("pk", "resolution", "person_id").order_by("pk")) == state
    assert (Person.objects.count(), ReviewItem.objects.count(), HouseholdMembership.objects.count()) == counts


def test_a_cluster_larger_than_the_cap_never_links_by_itself(matched, tmp_path):
    linking.matching_settings_change(
        user=matched.initiative_admin,
        initiative_id=matched.initiative.pk,
        version=1,
        data={"link_threshold": 0.99, "review_threshold": 0.5, "max_cluster": 2},
    )
    same = [person(f"C{i}", "Agatha", "Pembleton", "1944-05-02", uprn="100060001001", postcode="RG40 1AA")
            for i in range(3)]  # fmt: skip
    risk_import = import_rows(
        matched.risk_analyst,
        second_source(matched.risk_analyst, matched.initiative.pk, "Third"),
        same,
        tmp_path,
    )
    run = _run(matched.risk_analyst, risk_import)
    assert run.max_cluster == 2 and run.records_linked == 0 and run.records_in_review == 3


def test_no_run_without_an_approved_model(risk_world, savvi_source, tmp_path):
    w = risk_world
    risk_import = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path)
    with pytest.raises(DomainError, match="no approved matching model"):
        linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import)
    from casework.risk.tests.linking_helpers import fixture_model

    model = linking.matching_model_register(
        user=w.risk_analyst, initiative_id=w.initiative.pk, model=fixture_model()
    )
    with pytest.raises(DomainError):
        linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import)
    with pytest.raises(PermissionRefused):
        linking.matching_model_approve(user=w.district_analyst, matching_model=model)
    linking.matching_model_approve(user=w.initiative_admin, matching_model=model)
    run, _ = linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import)
    assert run.matching_model == model and run.status == "queued"
    with pytest.raises(DomainError, match="approved already"):
        linking.matching_model_approve(user=w.initiative_admin, matching_model=model)
    assert AuditEvent.objects.filter(verb="risk.matching_model_approved", object_id=str(model.pk)).exists()


def test_the_match_job_runs_the_queued_run(risk_world, savvi_source, tmp_path):
    from casework.core.jobs import run_pending

    w = risk_world
    approved_model(w.risk_analyst, w.initiative.pk)
    risk_import = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path)
    run, _ = linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import)
    again, created = linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import)
    assert again == run and not created
    run_pending()
    run.refresh_from_db()
    assert run.status == "done" and run.people_created == 3


def test_thresholds_are_validated_and_set_by_initiative_admins_only(risk_world):
    w = risk_world
    good = {"link_threshold": 0.99, "review_threshold": 0.8, "max_cluster": 10}
    with pytest.raises(PermissionRefused):
        linking.matching_settings_change(
            user=w.risk_analyst, initiative_id=w.initiative.pk, version=0, data=good
        )
    for bad, field in (
        ({"review_threshold": 0.995}, "review_threshold"),
        ({"link_threshold": 1.5}, "link_threshold"),
        ({"review_threshold": 0}, "review_threshold"),
        ({"link_threshold": "high"}, "link_threshold"),
        ({"max_cluster": 1}, "max_cluster"),
        ({"max_cluster": True}, "max_cluster"),
    ):
        with pytest.raises(ValidationFailed) as error:
            linking.matching_settings_change(
                user=w.initiative_admin, initiative_id=w.initiative.pk, version=0, data=good | bad
            )
        assert field in error.value.errors
    saved = linking.matching_settings_change(
        user=w.initiative_admin, initiative_id=w.initiative.pk, version=0, data=good
    )
    with pytest.raises(ConflictError):
        linking.matching_settings_change(
            user=w.initiative_admin, initiative_id=w.initiative.pk, version=saved.version + 1,
            data=good | {"link_threshold": 0.98},
        )  # fmt: skip
    assert AuditEvent.objects.filter(verb="risk.matching_settings_changed").count() == 1


def test_the_train_command_keeps_a_versioned_model_that_waits_for_approval(
    risk_world, savvi_source, tmp_path
):
    w = risk_world
    scenario = synthetic.scenario(150, seed=11)
    rows = [
        person(f"S{i}", r["given_name"] or "", r["family_name"] or "", r["date_of_birth"] or "",
               uprn=r["uprn"] or "100060000001", postcode=r["postcode"] or "", nhs=r["nhs_number"] or "")
        for i, r in enumerate(scenario.existing + scenario.new)
    ]  # fmt: skip
    import_rows(w.risk_analyst, savvi_source, rows, tmp_path)
    out = io.StringIO()
    call_command("risk_train_model", str(w.initiative.pk), "--user", "risk_analyst", "--seed", "7",
                 "--max-pairs", "20000", stdout=out, stderr=io.StringIO())  # fmt: skip
    model = MatchingModel.objects.get(number=1)
    assert model.number == 1 and model.seed == 7 and not model.is_approved
    assert model.splink_version == "5.0.0" and len(model.training_data_sha256) == 64
    assert model.model_json["casework"]["seed"] == 7 and model.training_records > 0
    assert "waits for approval" in out.getvalue()
    # A sample of the records: a version of its own, trained on that many, from other data.
    call_command("risk_train_model", w.initiative.name, "--user", "risk_analyst", "--sample", "150",
                 "--max-pairs", "20000", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    sampled = MatchingModel.objects.get(number=2)
    assert sampled.training_records == 150 < model.training_records
    assert sampled.training_data_sha256 != model.training_data_sha256
    with pytest.raises(CommandError):
        call_command("risk_train_model", "999999", "--user", "risk_analyst")


def test_the_match_command_matches_an_import_with_a_progress_bar(risk_world, savvi_source, tmp_path):
    w = risk_world
    approved_model(w.risk_analyst, w.initiative.pk)
    risk_import = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    call_command("risk_match", str(risk_import.pk), "--user", "risk_analyst", stdout=out, stderr=err)
    assert "3 records matched" in out.getvalue() and "3 new people" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("risk_match", str(risk_import.pk), "--user", "district_analyst", stdout=io.StringIO())


# --- Clerical review ----------------------------------------------------------------------------------------


@pytest.fixture
def in_review(matched):
    _run(matched.risk_analyst, matched.second)
    matched.item = ReviewItem.objects.get(status=ReviewStatus.OPEN)
    return matched


def test_linking_a_pair_resolves_the_record_and_keeps_a_label(in_review):
    item = in_review.item
    linking.review_item_decide(user=in_review.risk_analyst, item=item, version=item.version, decision="link")
    record = SourceRecord.objects.get(pk=item.record_id)
    assert record.resolution == Resolution.LINKED and record.person_id == item.candidate_person_id
    assert record.resolved_by == "review"
    label = MatchLabel.objects.get()
    assert (
        label.is_match
        and label.matching_model == in_review.model
        and label.decided_by == in_review.risk_analyst
    )
    assert AuditEvent.objects.filter(verb="risk.review_linked", object_id=str(item.pk)).exists()
    with pytest.raises(DomainError, match="decided already"):
        linking.review_item_decide(user=in_review.risk_analyst, item=item, version=2, decision="keep_apart")


def test_keeping_a_pair_apart_makes_a_new_person(in_review):
    item, people = in_review.item, Person.objects.count()
    linking.review_item_decide(
        user=in_review.risk_analyst, item=item, version=item.version, decision="keep_apart"
    )
    record = SourceRecord.objects.get(pk=item.record_id)
    assert record.resolution == Resolution.NEW_PERSON and record.person_id != item.candidate_person_id
    assert Person.objects.count() == people + 1
    assert not MatchLabel.objects.get().is_match


def test_skipping_sends_a_pair_to_the_back_of_the_queue_and_a_stale_decision_is_refused(in_review):
    item = in_review.item
    linking.review_item_decide(user=in_review.risk_analyst, item=item, version=item.version, decision="skip")
    item.refresh_from_db()
    assert (
        item.status == ReviewStatus.OPEN and item.skipped_at is not None and not MatchLabel.objects.exists()
    )
    with pytest.raises(ConflictError):
        linking.review_item_decide(user=in_review.risk_analyst, item=item, version=1, decision="link")
    with pytest.raises(ValidationFailed):
        linking.review_item_decide(
            user=in_review.risk_analyst, item=item, version=item.version, decision="merge"
        )
    with pytest.raises(PermissionRefused):
        linking.review_item_decide(
            user=in_review.district_analyst, item=item, version=item.version, decision="link"
        )


def test_a_wrong_link_can_be_undone(in_review):
    item = in_review.item
    linking.review_item_decide(user=in_review.risk_analyst, item=item, version=item.version, decision="link")
    record = SourceRecord.objects.get(pk=item.record_id)
    with pytest.raises(ValidationFailed):
        linking.source_record_link_undo(user=in_review.risk_analyst, record=record, reason="  ")
    again = linking.source_record_link_undo(
        user=in_review.risk_analyst, record=record, reason="Different man"
    )
    record.refresh_from_db()
    assert record.resolution == Resolution.IN_REVIEW and record.person_id is None
    item.refresh_from_db()
    assert item.status == ReviewStatus.UNDONE
    assert again.status == ReviewStatus.OPEN and again.candidate_person_id == item.candidate_person_id
    assert MatchLabel.objects.get().withdrawn_at is not None
    event = AuditEvent.objects.get(verb="risk.link_undone")
    assert event.reason == "Different man"
    with pytest.raises(DomainError, match="not linked"):
        linking.source_record_link_undo(user=in_review.risk_analyst, record=record, reason="again")


def test_an_automatic_link_can_be_undone_too(in_review):
    record = _by_ref(in_review.second)["B1"]
    item = linking.source_record_link_undo(user=in_review.initiative_admin, record=record, reason="Not her")
    record.refresh_from_db()
    assert record.resolution == Resolution.IN_REVIEW and item.candidate_person_id is not None
    # Scored again by the approved model, so that the reviewer sees why it linked.
    assert item.probability >= 0.99 and item.waterfall[0]["comparison"] == "prior"
    assert abs(sum(bar["match_weight"] for bar in item.waterfall) - item.match_weight) < 1e-9
    with pytest.raises(PermissionRefused):
        linking.source_record_link_undo(
            user=in_review.district_analyst, record=_by_ref(in_review.second)["B2"], reason="x"
        )


def test_a_run_cut_short_waits_to_be_tried_again_and_then_finishes(
    risk_world, savvi_source, tmp_path, monkeypatch
):
    w = risk_world
    approved_model(w.risk_analyst, w.initiative.pk)
    risk_import = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path)
    run, _ = linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import, queue=False)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(linking.matching, "match_incremental", broken)
    with pytest.raises(OSError):
        linking.matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "queued" and "disk full" in run.failure
    assert not SourceRecord.objects.filter(risk_import=risk_import).exclude(resolution="unresolved").exists()
    monkeypatch.undo()
    run = linking.matching_run_execute(run_id=run.pk)
    assert (run.status, run.people_created, run.failure) == ("done", 3, "")


def test_without_a_uprn_people_at_the_same_normalised_address_share_a_household(risk_world):
    import datetime

    from casework.people.services import households_place_from_matching
    from tests.factories import PersonFactory

    w = risk_world
    people = [PersonFactory(initiative=w.initiative, created_by_organisation=w.county) for _ in range(3)]
    placements = [
        {"person_id": people[0].pk, "uprn": None, "postcode": "RG40 1AA", "address_line_1": "1 Mill Lane"},
        {"person_id": people[1].pk, "uprn": None, "postcode": "rg401aa", "address_line_1": "1, MILL LANE"},
        {"person_id": people[2].pk, "uprn": None, "postcode": "RG40 1AA", "address_line_1": "2 Mill Lane"},
    ]
    joined = households_place_from_matching(
        initiative_id=w.initiative.pk, organisation_id=w.county.pk, created_by=None,
        placements=placements, start_date=datetime.date(2026, 1, 1),
    )  # fmt: skip
    homes = {m.person_id: m.household_id for m in HouseholdMembership.objects.filter(person__in=people)}
    assert joined == 3 and homes[people[0].pk] == homes[people[1].pk] != homes[people[2].pk]
    # Placed again: they live there already, nothing changes.
    again = households_place_from_matching(
        initiative_id=w.initiative.pk, organisation_id=w.county.pk, created_by=None,
        placements=placements, start_date=datetime.date(2026, 2, 1),
    )  # fmt: skip
    assert again == 0 and HouseholdMembership.objects.filter(person__in=people).count() == 3
