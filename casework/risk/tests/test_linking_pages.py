"""Record linkage pages and API: the happy paths for the lead's Identify users, refusals for everyone else,
and each linking predicate against its queryset twin for every persona."""

import pytest
from django.urls import reverse

from casework.audit.models import AccessEvent
from casework.core.permissions import has_perm
from casework.risk import linking_selectors as link_selectors
from casework.risk.choices import Resolution
from casework.risk.linking_models import MatchingModel, ReviewItem, ReviewStatus
from casework.risk.models import SourceRecord
from casework.risk.tests.linking_helpers import approved_model, fixture_model, import_rows
from casework.risk.tests.test_linking import FIRST, in_review, matched  # noqa: F401 (fixtures)
from conftest import PERSONAS

pytestmark = pytest.mark.django_db
ALLOWED = {"initiative_admin", "risk_analyst"}


@pytest.fixture
def linking_records(risk_world, savvi_source, tmp_path):
    """Linkage's records without running Splink: a model, a queued run, a linked record, a review pair."""
    from casework.risk import linking
    from tests.factories import PersonFactory

    w = risk_world
    w.model = approved_model(w.risk_analyst, w.initiative.pk)
    risk_import = import_rows(w.risk_analyst, savvi_source, FIRST, tmp_path)
    w.first_run, _ = linking.matching_run_start(user=w.risk_analyst, risk_import=risk_import, queue=False)
    person = PersonFactory(initiative=w.initiative, created_by_organisation=w.county)
    a1, a2, a3 = SourceRecord.objects.filter(risk_import=risk_import).order_by("line")
    SourceRecord.objects.filter(pk=a1.pk).update(resolution=Resolution.LINKED, person=person)
    SourceRecord.objects.filter(pk=a2.pk).update(resolution=Resolution.NEW_PERSON, person=person)
    SourceRecord.objects.filter(pk=a3.pk).update(resolution=Resolution.IN_REVIEW)
    w.item = ReviewItem.objects.create(
        run=w.first_run, initiative=w.initiative, record=a3, candidate_person=person, probability=0.9
    )
    return w


@pytest.mark.parametrize("name", [*PERSONAS, "risk_analyst", "district_analyst"])
def test_each_linking_predicate_agrees_with_its_queryset_twin(linking_records, name):
    w = linking_records
    user = getattr(w, name)
    allowed = name in ALLOWED
    linked = SourceRecord.objects.filter(resolution=Resolution.LINKED).first()
    pairs = [
        ("risk.view_matching_model", w.model, link_selectors.matching_model_list_for_user),
        ("risk.view_matching_run", w.first_run, link_selectors.matching_run_list_for_user),
        ("risk.review_match", w.item, link_selectors.review_item_list_for_user),
        ("risk.undo_link", linked, link_selectors.source_record_list_undoable),
    ]
    for permission, obj, twin in pairs:
        in_twin = twin(user=user).filter(pk=obj.pk).exists()
        assert has_perm(user, permission, obj) is in_twin is allowed, (name, permission)
    fresh = MatchingModel.objects.create(
        initiative=w.initiative, number=9, model_json={}, training_data_sha256="", seed=1,
        splink_version="5.0.0", trained_at=w.model.trained_at,
    )  # fmt: skip
    approvable = link_selectors.matching_model_list_approvable(user=user)
    assert has_perm(user, "risk.approve_matching_model", fresh) is approvable.filter(pk=fresh.pk).exists()
    assert has_perm(user, "risk.approve_matching_model", w.model) is False
    assert not approvable.filter(pk=w.model.pk).exists()
    admin = name == "initiative_admin"
    assert has_perm(user, "risk.change_matching_settings", w.initiative.pk) is admin
    assert (w.initiative.pk in link_selectors.matching_settings_changeable_initiative_ids(user=user)) is admin
    unlinked = SourceRecord.objects.filter(resolution=Resolution.NEW_PERSON).first()
    assert has_perm(user, "risk.undo_link", unlinked) is False


def test_the_review_page_shows_both_records_and_the_waterfall_and_saves_a_decision(in_review, client):  # noqa: F811
    w, item = in_review, in_review.item
    client.force_login(w.risk_analyst)
    queue = client.get(reverse("risk:review_queue"))
    assert queue.status_code == 200 and item.get_absolute_url() in queue.content.decode()
    page = client.get(item.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert "Cyril Oakes" in body and "GP frailty list" in body and "1950-03-03" in body
    assert "waterfall-chart" in body and "date of birth: missing" in body
    assert AccessEvent.objects.filter(verb="risk.review_item_viewed", object_id=str(item.pk)).exists()
    refused = client.post(item.get_absolute_url(), {"version": item.version})
    assert refused.status_code == 200 and "Choose link, keep apart or skip" in refused.content.decode()
    done = client.post(item.get_absolute_url(), {"version": item.version, "decision": "link"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.LINKED
    undo_url = reverse("risk:record_undo_link", args=[item.record_id])
    assert undo_url in client.get(item.get_absolute_url()).content.decode()
    empty = client.post(undo_url, {"reason": ""})
    assert "Say why the link is wrong" in empty.content.decode()
    undone = client.post(undo_url, {"reason": "Not him"})
    assert undone.status_code == 302
    assert SourceRecord.objects.get(pk=item.record_id).resolution == Resolution.IN_REVIEW


def test_matching_pages_for_the_lead_and_thresholds_for_its_admins(matched, client):  # noqa: F811
    w = matched
    client.force_login(w.risk_analyst)
    home = client.get(reverse("risk:matching_home"))
    assert home.status_code == 200 and "New runs use model 1" in home.content.decode()
    assert client.get(reverse("risk:matching_settings")).status_code == 403
    model_page = client.get(w.model.get_absolute_url()).content.decode()
    assert w.model.training_data_sha256 in model_page and "Approve this model" not in model_page
    assert client.get(w.first_run.get_absolute_url()).status_code == 200
    started = client.post(reverse("risk:import_match", args=[w.second.pk]))
    assert started.status_code == 302 and "/matching/runs/" in started["Location"]
    client.force_login(w.initiative_admin)
    bad = client.post(
        reverse("risk:matching_settings"),
        {"version": 1, "link_threshold": "0.7", "review_threshold": "0.8", "max_cluster": "10"},
    )
    assert "The review threshold must not be above the link threshold" in bad.content.decode()
    good = client.post(
        reverse("risk:matching_settings"),
        {"version": 1, "link_threshold": "0.995", "review_threshold": "0.8", "max_cluster": "8"},
    )
    assert good.status_code == 302
    assert link_selectors.matching_settings_for(initiative_id=w.initiative.pk).max_cluster == 8
    client.force_login(w.practitioner)
    for url in (reverse("risk:matching_home"), reverse("risk:review_queue")):
        assert client.get(url).status_code == 403
    for url in (w.model.get_absolute_url(), w.first_run.get_absolute_url()):
        assert client.get(url).status_code == 404


def test_a_model_is_approved_on_its_page(risk_world, client):
    from casework.risk import linking

    model = linking.matching_model_register(
        user=risk_world.risk_analyst, initiative_id=risk_world.initiative.pk, model=fixture_model()
    )
    client.force_login(risk_world.initiative_admin)
    assert "Approve this model" in client.get(model.get_absolute_url()).content.decode()
    client.post(reverse("risk:matching_model_approve", args=[model.pk]))
    model.refresh_from_db()
    assert model.approved_by == risk_world.initiative_admin


def test_the_api_decides_a_pair_and_undoes_a_link(in_review, api):  # noqa: F811
    w, item = in_review, in_review.item
    analyst = api(w.risk_analyst)
    queue = analyst.get("/risk/matching/review").json()["items"]
    assert [row["id"] for row in queue] == [item.pk]
    detail = analyst.get(f"/risk/matching/review/{item.pk}").json()
    assert detail["record"]["given_names"] == "Cyril" and detail["candidate_person"]["name"] == "Cyril Oakes"
    assert detail["waterfall"][0]["comparison"] == "prior"
    stale = analyst.post(f"/risk/matching/review/{item.pk}/decide", {"decision": "link", "version": 99})
    assert stale.status_code == 409
    wrong = analyst.post(f"/risk/matching/review/{item.pk}/decide", {"decision": "merge", "version": 1})
    assert wrong.status_code == 422
    decided = analyst.post(f"/risk/matching/review/{item.pk}/decide", {"decision": "link", "version": 1})
    assert decided.status_code == 200 and decided.json()["status"] == "linked"
    again = analyst.post(f"/risk/matching/review/{item.pk}/decide", {"decision": "link", "version": 2})
    assert again.status_code == 409
    undo = analyst.post(f"/risk/matching/records/{item.record_id}/undo-link", {"reason": "Not him"})
    assert undo.status_code == 201 and undo.json()["status"] == "open"
    assert ReviewItem.objects.filter(record_id=item.record_id, status="open").count() == 1
    outsider = api(w.district_analyst)
    assert outsider.get(f"/risk/matching/review/{item.pk}").status_code == 404
    assert outsider.get("/risk/matching/review").status_code == 403


def test_the_api_lists_models_runs_and_sets_thresholds(matched, api):  # noqa: F811
    w = matched
    analyst, admin = api(w.risk_analyst), api(w.initiative_admin)
    models = analyst.get("/risk/matching/models").json()["items"]
    assert models[0]["number"] == 1 and models[0]["approved"] is True
    detail = analyst.get(f"/risk/matching/models/{w.model.pk}").json()
    assert detail["levels"] and detail["probability_two_random_records_match"] > 0
    assert analyst.post(f"/risk/matching/models/{w.model.pk}/approve").status_code == 409
    run = analyst.get(f"/risk/matching/runs/{w.first_run.pk}").json()
    assert (run["status"], run["people_created"], run["matching_model_number"]) == ("done", 3, 1)
    started = analyst.post(f"/risk/matching/imports/{w.second.pk}/runs")
    assert started.status_code == 202 and started.json()["created"] is True
    assert analyst.post(f"/risk/matching/imports/{w.second.pk}/runs").status_code == 200
    settings = {"link_threshold": 0.98, "review_threshold": 0.7, "max_cluster": 5}
    assert analyst.post("/risk/matching/settings", settings | {"version": 1}).status_code == 403
    assert admin.post("/risk/matching/settings", settings).status_code == 422  # the version is needed
    saved = admin.post("/risk/matching/settings", settings | {"version": 1})
    assert saved.status_code == 200 and saved.json() == settings | {"version": 2}
    bad = admin.post("/risk/matching/settings", settings | {"review_threshold": 0.99, "version": 2})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "review_threshold"
    assert (
        admin.post("/risk/matching/settings", settings | {"link_threshold": True, "version": 2}).status_code
        == 422
    )


def test_an_import_can_be_matched_from_its_page_only_with_an_approved_model(
    risk_world, savvi_source, client, tmp_path
):
    risk_import = import_rows(risk_world.risk_analyst, savvi_source, FIRST, tmp_path)
    client.force_login(risk_world.risk_analyst)
    response = client.post(reverse("risk:import_match", args=[risk_import.pk]), follow=True)
    assert "There is no approved matching model" in response.content.decode()


def test_the_review_queue_reads_a_page_in_a_fixed_number_of_queries(
    linking_records, client, django_assert_max_num_queries
):
    w = linking_records
    record = w.item.record
    for n in range(12):
        other = SourceRecord.objects.create(
            risk_import=record.risk_import, source=record.source, initiative=w.initiative, line=100 + n,
            person_reference=f"X{n}", given_names="Ann", family_name=f"Smith{n}",
            resolution=Resolution.IN_REVIEW,
        )  # fmt: skip
        ReviewItem.objects.create(
            run=w.first_run, initiative=w.initiative, record=other, candidate_record=record, probability=0.85
        )
    client.force_login(w.risk_analyst)
    client.get(reverse("risk:review_queue"))  # warm the session and the user's roles
    with django_assert_max_num_queries(14):
        response = client.get(reverse("risk:review_queue"))
    assert response.status_code == 200 and response.content.decode().count("/risk/review/") >= 13


def test_the_model_page_shows_what_each_agreement_is_worth(linking_records, client):
    client.force_login(linking_records.risk_analyst)
    body = client.get(linking_records.model.get_absolute_url()).content.decode()
    assert "weights-chart" in body and "given name: exact" in body
