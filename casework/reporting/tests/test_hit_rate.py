"""The risk index's hit rate and miss rate: over a hand-made set of cases, by group, from the export, and who
may see it (page, CSV and API)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from casework.assessments.models import Need, NeedDefinition
from casework.audit.models import AccessEvent
from casework.contacts.models import ContactEvent
from casework.reporting import hit_rate
from casework.reporting.hit_rate import CaseRow, HitRate, figures_from_rows, rows_from_export
from tests.factories import CaseFactory, MembershipFactory, PersonFactory, RiskCategoryFactory, UserFactory

UTC = datetime.UTC


def _row(**values) -> CaseRow:
    base = dict(
        case_id=1,
        subject="person:1",
        from_index=True,
        contacted=True,
        needs_found=True,
        declined=False,
        outside_index=False,
        category="High",
        area="RG40",
        month="2026-10",
    )
    return CaseRow(**{**base, **values})


def test_rates_from_a_hand_made_set_of_rows():
    rows = [
        _row(case_id=1),  # index, reached, need: a hit
        _row(case_id=2, needs_found=False),  # index, reached, no need: a false positive
        _row(case_id=3, contacted=False, needs_found=False),  # never reached: apart
        _row(case_id=4, declined=True, needs_found=False),  # declined: apart
        _row(case_id=5),  # another hit
        _row(case_id=6, from_index=False, outside_index=True),  # self-referral with needs: a miss
        _row(case_id=7, from_index=False, outside_index=False),  # on the index already: not a miss
        _row(case_id=8, from_index=False, outside_index=True, needs_found=False),  # no needs: not counted
    ]
    figures = figures_from_rows(rows)[""]
    assert figures == HitRate(
        index_cases=5,
        index_contacted=3,
        index_with_needs=2,
        index_never_reached=1,
        index_declined=1,
        cases_with_needs=4,
        needs_outside_index=1,
    )
    assert figures.hit_rate == pytest.approx(2 / 3)
    assert figures.miss_rate == pytest.approx(1 / 4)
    assert figures.hit_rate_text == "66.7%"
    assert HitRate().hit_rate is None and HitRate().hit_rate_text == "No cases"


def test_groups_add_up_to_the_whole():
    rows = [_row(case_id=1, area="RG40"), _row(case_id=2, area="RG41", needs_found=False)]
    by_area = figures_from_rows(rows, "area")
    assert by_area["RG40"].hit_rate == 1.0
    assert by_area["RG41"].hit_rate == 0.0
    assert hit_rate.total(by_area.values()) == figures_from_rows(rows)[""]


@pytest.fixture
def analyst(world):
    user = UserFactory(username="risk_analyst")
    MembershipFactory(user=user, organisation=world.county, role="risk_analyst")
    return user


@pytest.fixture
def cases(world):
    """Cases of the county's initiative made to give known figures (and one elsewhere that must not count)."""
    high = RiskCategoryFactory(initiative=world.initiative, code="high", label="High", rank=1)
    definition = NeedDefinition.objects.create(
        initiative=world.initiative, code="food", name="Food", category="food_and_shopping"
    )

    def case(*, origin="risk_index", reached=False, need=False, outcome="", closed=False, **kw):
        outside = kw.pop("outside", False)
        organisation = kw.pop("organisation", world.county)
        person = PersonFactory(created_by_organisation=organisation, postcode="RG40 1AA")
        made = CaseFactory(
            person=person,
            origin=origin,
            risk_category=high if origin == "risk_index" else None,
            raised_at=kw.pop("raised_at", datetime.datetime(2026, 10, 5, 10, tzinfo=UTC)),
            outcome=outcome,
            closed_at=datetime.datetime(2026, 11, 1, tzinfo=UTC) if closed else None,
            status="closed" if closed else "active",
            found_outside_risk_index=outside,
        )
        if reached:
            ContactEvent.objects.create(
                organisation=world.county,
                case=made,
                person=person,
                occurred_at=made.raised_at,
                direction="outbound",
                method="phone",
                contact_role="person",
                outcome="reached",
            )
        else:
            ContactEvent.objects.create(
                organisation=world.county,
                case=made,
                person=person,
                occurred_at=made.raised_at,
                direction="outbound",
                method="phone",
                contact_role="person",
                outcome="no_answer",
            )
        if need:
            Need.objects.create(case=made, definition=definition, status_changed_at=made.raised_at)
        return made

    made = [
        case(reached=True, need=True),
        case(reached=True, need=True, raised_at=datetime.datetime(2026, 11, 3, tzinfo=UTC)),
        case(reached=True),
        case(),  # never reached
        case(reached=True, outcome="declined_support", closed=True),
        case(origin="self_referral", reached=True, need=True, closed=True, outside=True),  # a miss
        case(origin="self_referral", reached=True, need=True),  # open, no category: a miss
        case(origin="concern", reached=True, need=True, closed=True, outside=False),  # on the index: no miss
        case(organisation=world.elsewhere, reached=True, need=True),  # another initiative
    ]
    return made


def test_figures_from_the_database(world, analyst, cases):
    report = hit_rate.hit_rate_for_user(user=analyst, initiative_id=world.initiative.pk)
    assert report.overall == HitRate(
        index_cases=5,
        index_contacted=3,
        index_with_needs=2,
        index_never_reached=1,
        index_declined=1,
        cases_with_needs=5,
        needs_outside_index=2,
    )
    assert dict(report.by_month).keys() == {"2026-10", "2026-11"}
    assert dict(report.by_month)["2026-11"].index_with_needs == 1
    assert dict(report.by_category)["High"].index_cases == 5
    assert dict(report.by_category)[hit_rate.NO_CATEGORY].cases_with_needs == 3
    assert AccessEvent.objects.filter(verb="reporting.hit_rate_viewed", actor=analyst).count() == 1


def test_filters_narrow_the_cases(world, analyst, cases):
    report = hit_rate.hit_rate_for_user(
        user=analyst,
        initiative_id=world.initiative.pk,
        filters=hit_rate.Filters(raised_from=datetime.date(2026, 11, 1)),
    )
    assert report.overall.index_cases == 1
    report = hit_rate.hit_rate_for_user(
        user=analyst, initiative_id=world.initiative.pk, filters=hit_rate.Filters(area="ZZ9")
    )
    assert report.overall == HitRate()


def test_the_export_recomputes_the_figures_and_names_no_one(client, world, analyst, cases):
    client.force_login(analyst)
    response = client.get(reverse("reporting:hit_rate_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].split(",") == hit_rate.EXPORT_COLUMNS
    rows = rows_from_export(text)
    assert len(rows) == 8
    page = hit_rate.hit_rate_for_user(user=analyst, initiative_id=world.initiative.pk)
    assert figures_from_rows(rows)[""] == page.overall
    assert figures_from_rows(rows, "month") == dict(page.by_month)
    for case in cases:
        assert case.reference not in text
        assert case.person.family_name not in text
    # A new salt each time: the pseudonyms of two downloads join nothing.
    again = b"".join(client.get(reverse("reporting:hit_rate_export")).streaming_content).decode()
    assert set(text.splitlines()[1:]).isdisjoint(again.splitlines()[1:])
    assert AccessEvent.objects.filter(verb="reporting.hit_rate_exported", actor=analyst).count() == 2


def test_page_shows_the_figures_a_chart_and_its_table(
    client, world, analyst, cases, django_assert_max_num_queries
):
    client.force_login(analyst)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reporting:hit_rate"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "66.7% (2 of 3 index cases reached found a need)" in html
    assert "40.0% (2 of 5 cases with needs were not on the index)" in html
    assert 'id="hit-rate-chart"' in html and 'id="hit-rate-chart-data"' in html
    assert "Hit rate and miss rate by the month cases were raised: the figures" in html


def test_page_refuses_bad_dates_with_an_error_summary(client, world, analyst, cases):
    client.force_login(analyst)
    response = client.get(
        reverse("reporting:hit_rate"),
        {
            "raised_from_0": "10",
            "raised_from_1": "11",
            "raised_from_2": "2026",
            "raised_to_0": "1",
            "raised_to_1": "11",
            "raised_to_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "The end date must be the same as or after the start date" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [p for p in __import__("conftest").PERSONAS if p != "initiative_admin"],
)
def test_only_the_leads_identify_roles_see_it(client, api, world, cases, name):
    user = getattr(world, name)
    client.force_login(user)
    assert client.get(reverse("reporting:hit_rate")).status_code == 403
    assert client.get(reverse("reporting:hit_rate_export")).status_code == 403
    assert api(user).get("/risk/hit-rate").status_code == 403
    assert not AccessEvent.objects.filter(verb__startswith="reporting.hit_rate").exists()


def test_a_risk_analyst_elsewhere_sees_only_their_own_initiative(client, world, cases):
    other = UserFactory(username="other_analyst")
    MembershipFactory(user=other, organisation=world.elsewhere, role="risk_analyst")
    client.force_login(other)
    response = client.get(reverse("reporting:hit_rate"))
    assert response.status_code == 200
    assert "1 of 1 index cases reached found a need" in response.content.decode()


def test_the_initiative_admin_sees_it_too(client, world, cases):
    client.force_login(world.initiative_admin)
    assert client.get(reverse("reporting:hit_rate")).status_code == 200


def test_api_gives_the_same_figures(api, world, analyst, cases):
    response = api(analyst).get("/risk/hit-rate")
    assert response.status_code == 200
    body = response.json()
    assert body["overall"]["index_with_needs"] == 2
    assert body["overall"]["hit_rate"] == pytest.approx(2 / 3)
    assert [g["group"] for g in body["by_month"]] == ["2026-10", "2026-11"]
    bad = api(analyst).get("/risk/hit-rate?raised_from=2026-11-02&raised_to=2026-11-01")
    assert bad.status_code == 422
    assert "raised_to" in bad.content.decode()
