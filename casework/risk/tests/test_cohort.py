"""The cohort (risk index): generated from a version over matched factors, with reasons, sources and dates;
the factors of people in no category are deleted; pages and API for the lead only; the command."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.allocation import services as allocation_services
from casework.audit.models import AccessEvent, AuditEvent
from casework.cases import closing
from casework.cases.models import Case
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused
from casework.risk import cohort_services
from casework.risk.cohort_models import Cohort, CohortRow
from casework.risk.models import RiskFactor, RiskModelVersion
from casework.risk.tests.cohort_helpers import cohort_model, matched_people
from casework.risk.tests.conftest import make_source
from tests.factories import CaseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def setup(risk_world):
    w = risk_world
    w.version = cohort_model(w)
    w.source = make_source(w.risk_analyst, w.initiative.pk)
    w.people = matched_people(w, w.source)
    return w


def _generate(w):
    cohort = cohort_services.cohort_start(user=w.risk_analyst, model_version=w.version, queue=False)
    return cohort_services.cohort_generate(cohort_id=cohort.pk, today=TODAY)


def test_the_cohort_has_a_row_per_person_in_a_category_with_rules_sources_and_dates(setup):
    w = setup
    cohort = _generate(w)
    assert (cohort.status, cohort.people_considered, cohort.people_in_cohort) == ("done", 4, 3)
    rows = {row.person_id: row for row in CohortRow.objects.filter(cohort=cohort).select_related("category")}
    old = rows[w.people["old"].pk]
    assert (old.category.code, old.rule_ids, old.area) == ("high", ["R5", "R7"], "RG41")
    assert old.explanation == "High: R7 aged 75 or over; also Medium: R5 on the shielded list"
    assert old.reasons[1]["factors"] == [
        {"code": "nhs/shielded", "source": "Council tax reduction", "extracted_on": "2026-11-01",
         "factor_date": None}
    ]  # fmt: skip
    assert rows[w.people["young"].pk].category.code == "medium"
    assert rows[w.people["arrears"].pk].explanation == "High: R3 council tax arrears"
    assert w.people["none"].pk not in rows
    assert cohort.counts == {"high": {"RG40": 1, "RG41": 1}, "medium": {"RG40": 1}}
    # The version is frozen by its first run.
    assert RiskModelVersion.objects.get(pk=w.version.pk).has_run


def test_no_orphan_factors_the_people_in_no_category_lose_theirs_audited_as_counts(setup):
    w = setup
    cohort = _generate(w)
    assert cohort.factors_deleted == 1
    assert not RiskFactor.objects.filter(record__person=w.people["none"]).exists()
    kept = set(RiskFactor.objects.values_list("record__person_id", flat=True))
    assert kept == set(CohortRow.objects.filter(cohort=cohort).values_list("person_id", flat=True))
    event = AuditEvent.objects.get(verb="risk.cohort_generated", object_id=str(cohort.pk))
    assert event.changes["people_without_category"]["after"] == 1
    assert w.people["none"].family_name not in str(event.changes)


def test_the_same_version_over_the_same_data_gives_the_same_fingerprint(setup):
    w = setup
    first = _generate(w)
    second = _generate(w)
    assert first.fingerprint == second.fingerprint and first.pk != second.pk
    # Generating a cohort again is a no-op.
    assert cohort_services.cohort_generate(cohort_id=first.pk).generated_at == first.generated_at


def test_only_the_lead_generates_and_a_version_needs_rules(setup):
    w = setup
    with pytest.raises(PermissionRefused):
        cohort_services.cohort_start(user=w.district_analyst, model_version=w.version, queue=False)
    w.version.rules.all().delete()
    with pytest.raises(DomainError):
        cohort_services.cohort_start(user=w.risk_analyst, model_version=w.version, queue=False)
    assert not Cohort.objects.exists()


def test_the_command_generates_the_cohort_with_a_progress_bar(setup):
    w = setup
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "risk_cohort", str(w.initiative.pk), "--user", w.risk_analyst.username, stdout=out, stderr=err
    )
    assert "3 of 4 people in a category" in out.getvalue()
    assert "Cohort" in err.getvalue()


def test_the_page_shows_the_cohort_by_category_and_area_to_the_lead_only(
    setup, client, django_assert_max_num_queries
):
    w = setup
    client.force_login(w.risk_analyst)
    response = client.post(f"/risk/models/{w.version.pk}/cohort")
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
    cohort_services.cohort_generate(cohort_id=cohort.pk, today=TODAY)
    with django_assert_max_num_queries(25):
        page = client.get(cohort.get_absolute_url() + "?category=high")
    assert page.status_code == 200
    text = page.content.decode()
    assert "High: R3 council tax arrears" in text and w.people["young"].family_name not in text
    assert AuditEvent is not None
    client.force_login(w.district_analyst)
    assert client.get(cohort.get_absolute_url()).status_code == 404


def test_the_api_lists_cohort_rows_for_those_allowed(setup, client):
    w = setup
    client.force_login(w.risk_analyst)
    made = client.post(
        "/api/v1/risk/cohorts", {"model_version_id": w.version.pk}, content_type="application/json"
    )
    assert made.status_code == 202, made.content
    cohort_services.cohort_generate(cohort_id=made.json()["id"], today=TODAY)
    rows = client.get(f"/api/v1/risk/cohorts/{made.json()['id']}/rows?category=high").json()["items"]
    assert sorted(row["rule_ids"] for row in rows) == [["R3"], ["R5", "R7"]]
    assert rows[0]["reasons"][0]["factors"][0]["source"] == "Council tax reduction"
    client.force_login(w.district_analyst)
    assert client.get(f"/api/v1/risk/cohorts/{made.json()['id']}/rows").status_code == 404


# --- Raising cases from a cohort ---


@pytest.fixture
def routed(setup):
    """Allocation: RG41 goes to the district, everyone else to the county (the fallback)."""
    w = setup
    w.district.areas = ["RG41"]
    w.district.save()
    allocation_services.allocation_policy_set_fallback(
        user=w.initiative_admin, initiative_id=w.initiative.pk, organisation=w.county
    )
    allocation_services.allocation_rule_save(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        data={"name": "RG41 to the district", "areas": ["RG41"], "organisation": w.district},
    )
    w.cohort = _generate(w)
    return w


def test_raising_cases_by_category_routes_them_by_the_allocation_rules(routed):
    w = routed
    counts = cohort_services.cohort_raise_cases(user=w.risk_analyst, cohort=w.cohort, category="high")
    assert counts == {"raised": 2, "already_open": 0, "allocated": 2, "not_allocated": 0}
    cases = {c.person_id: c for c in Case.objects.filter(origin="risk_index").select_related("risk_category")}
    assert set(cases) == {w.people["arrears"].pk, w.people["old"].pk}
    assert cases[w.people["old"].pk].responsible_organisation == w.district
    assert cases[w.people["arrears"].pk].responsible_organisation == w.county
    assert {c.risk_category.code for c in cases.values()} == {"high"}
    assert AuditEvent.objects.filter(verb="risk.cohort_cases_raised").count() == 1


def test_raising_again_is_a_no_op_and_no_one_gets_a_second_open_case(routed):
    w = routed
    CaseFactory(person=w.people["young"], responsible_organisation=w.county, origin="self_referral")
    first = cohort_services.cohort_raise_cases(user=w.risk_analyst, cohort=w.cohort)
    assert (first["raised"], first["already_open"]) == (2, 1)
    again = cohort_services.cohort_raise_cases(user=w.risk_analyst, cohort=w.cohort)
    assert (again["raised"], again["already_open"]) == (0, 1)
    assert Case.objects.filter(person=w.people["young"]).count() == 1
    assert Case.objects.filter(origin="risk_index").count() == 2


def test_only_the_lead_raises_cases_from_a_cohort(routed, client):
    w = routed
    with pytest.raises(PermissionRefused):
        cohort_services.cohort_raise_cases(user=w.practitioner, cohort=w.cohort)
    assert not Case.objects.filter(origin="risk_index").exists()
    client.force_login(w.district_analyst)
    assert client.post(f"/risk/cohorts/{w.cohort.pk}/raise").status_code == 404
    client.force_login(w.risk_analyst)
    response = client.post(f"/risk/cohorts/{w.cohort.pk}/raise", {"category": "medium"})
    assert response.status_code == 302
    assert Case.objects.filter(origin="risk_index", risk_category__code="medium").count() == 1
    api = client.post(
        f"/api/v1/risk/cohorts/{w.cohort.pk}/raise-cases", {"area": "RG41"}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["raised"] == 1


# --- The hit-rate marker reads the latest cohort ---


def test_a_self_referral_is_checked_against_the_latest_cohort_as_it_stood(setup):
    w = setup
    day = datetime.timedelta(days=1)
    before = CaseFactory(person=w.people["old"], origin="self_referral", raised_at=clock.now() - day)
    _generate(w)
    later = clock.now() + day
    in_index = CaseFactory(person=w.people["old"], origin="self_referral", raised_at=later)
    not_in_index = CaseFactory(
        person=w.people["none"], origin="third_party_concern", risk_category=w.high, raised_at=later
    )
    assert closing.on_risk_index(in_index) is True
    # A category set by hand is not the index; nor is a cohort generated after the person came forward.
    assert closing.on_risk_index(not_in_index) is False
    assert closing.on_risk_index(before) is False
    assert closing.on_risk_index(CaseFactory(person=w.people["none"], origin="risk_index")) is True


# --- Explainable to the public ---


def test_the_public_page_lists_sources_factors_rules_categories_and_retention_without_sign_in(setup, client):
    w = setup
    _generate(w)
    page = client.get(f"/how-we-identify/{w.initiative.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Council tax reduction", "R3", "council tax arrears", "High", "Medium", "deleted"):
        assert shown in text
    for person in w.people.values():
        assert person.family_name not in text
    assert client.get("/how-we-identify/999999").status_code == 404


# --- Explainable on the cases the responsible organisation holds ---


def test_the_holding_organisation_sees_the_category_and_reasons_on_the_case(routed, client):
    w = routed
    cohort_services.cohort_raise_cases(user=w.risk_analyst, cohort=w.cohort, category="high")
    case = Case.objects.get(person=w.people["old"])
    assert case.responsible_organisation == w.district
    client.force_login(w.district_worker)
    page = client.get(f"/cases/{case.pk}/risk-index")
    assert page.status_code == 200
    text = page.content.decode()
    assert "High: R7 aged 75 or over; also Medium: R5 on the shielded list" in text
    assert "nhs/shielded" in text and "Council tax reduction" in text
    client.force_login(w.outsider)
    assert client.get(f"/cases/{case.pk}/risk-index").status_code == 404


# --- The person page: which categories, and why, as far as the user may see ---


def test_the_person_page_shows_the_holding_organisation_the_category_and_reasons_audited(routed, client):
    w = routed
    cohort_services.cohort_raise_cases(user=w.risk_analyst, cohort=w.cohort, category="high")
    old, arrears = w.people["old"], w.people["arrears"]
    client.force_login(w.district_worker)
    text = client.get(f"/people/{old.pk}/").content.decode()
    assert "High: R7 aged 75 or over; also Medium: R5 on the shielded list" in text
    assert "Council tax reduction" in text and "extracted 2026-11-01" in text
    event = AccessEvent.objects.get(verb="risk.person_index_viewed", actor=w.district_worker)
    assert event.details["as_lead"] is False
    # The county holds the other person's case: the district sees nothing of why, if it sees her at all.
    other = client.get(f"/people/{arrears.pk}/")
    assert "council tax arrears" not in other.content.decode()
    assert AccessEvent.objects.filter(verb="risk.person_index_viewed").count() == 1


def test_the_person_page_shows_the_lead_the_latest_cohort_row(routed, client):
    w = routed
    young = w.people["young"]  # in the cohort (Medium), no case raised from it
    CaseFactory(person=young, responsible_organisation=w.county, origin="self_referral")
    # A county team manager who is also the lead's risk analyst sees her row in the latest cohort.
    MembershipFactory(user=w.team_manager, organisation=w.county, role="risk_analyst")
    client.force_login(w.team_manager)
    response = client.get(f"/people/{young.pk}/")
    assert response.status_code == 200
    assert "Medium: R5 on the shielded list" in response.content.decode()
    event = AccessEvent.objects.get(verb="risk.person_index_viewed", actor=w.team_manager)
    assert event.details["as_lead"] is True and event.person_id == young.pk
    # Someone who may not see her sees nothing, and nothing is recorded.
    client.force_login(w.district_worker)
    assert "on the shielded list" not in client.get(f"/people/{young.pk}/").content.decode()
    assert not AccessEvent.objects.filter(verb="risk.person_index_viewed", actor=w.district_worker).exists()


def test_the_cohort_page_reads_a_fixed_number_of_queries_whatever_its_rows(setup, client):
    """Rows 10 and 50: the same queries (no query per row)."""
    w = setup
    counts = []
    for extra in (10, 50):
        CohortRow.objects.all().delete()
        Cohort.objects.all().delete()
        RiskModelVersion.objects.filter(pk=w.version.pk).update(first_run_at=None)
        more = {
            f"p{extra}-{n}": PersonFactory(created_by_organisation=w.county, postcode="RG40 9ZZ")
            for n in range(extra)
        }
        cohort = _generate(w)
        CohortRow.objects.bulk_create(
            CohortRow(
                cohort=cohort, person=person, category=w.high, area="RG40", rule_ids=["R3"],
                reasons=[{"rule_id": "R3", "description": "council tax arrears", "category": "high",
                          "factors": [{"code": "council_tax_reduction/arrears", "source": "CTR",
                                       "extracted_on": "2026-11-01", "factor_date": None}]}],
                explanation="High: R3 council tax arrears",
            )
            for person in more.values()
        )  # fmt: skip
        client.force_login(w.risk_analyst)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(cohort.get_absolute_url())
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
