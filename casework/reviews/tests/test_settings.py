"""The organisation's review intervals: set by its admins only, within the guidance's limits, never silently
over another admin's change, audited; the sweep and the due dates shown use the responsible organisation's
intervals (read once a batch); the page and the API."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localdate

from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.plans import support_services as plans
from casework.plans.tests.test_direct_payments import dp_plan
from casework.plans.tests.test_direct_payments import started as dp_started
from casework.reviews import selectors, services
from casework.reviews.models import Review, ReviewSettings
from casework.reviews.schedule import DEFAULT, add_months
from casework.reviews.tests.steps import finish_review
from casework.reviews.tests.test_services import _active_plans
from conftest import PERSONAS

pytestmark = pytest.mark.django_db


def _set(world, user=None, version=1, **values):
    intervals = {"first_weeks": 6, "every_months": 6, "direct_payment_first_months": 3, **values}
    return services.review_settings_set(
        user=user or world.org_admin, organisation_id=world.county.pk, version=version, **intervals
    )


# --- Setting them ---


def test_an_organisation_without_settings_uses_the_guidances_longest_intervals(world):
    assert selectors.review_intervals_for(organisation_id=world.county.pk) == DEFAULT
    unsaved = selectors.review_settings_for(organisation_id=world.county.pk)
    assert unsaved.pk is None and unsaved.version == 1 and unsaved.intervals == DEFAULT


def test_the_admin_sets_the_intervals_and_the_change_is_audited_with_before_and_after(world):
    row = _set(world)
    assert (row.first_weeks, row.every_months, row.direct_payment_first_months) == (6, 6, 3)
    assert selectors.review_intervals_for(organisation_id=world.county.pk).first_weeks == 6
    event = AuditEvent.objects.get(verb="reviews.settings_set")
    assert event.actor_id == world.org_admin.pk and event.organisation_id == world.county.pk
    assert event.changes["first_weeks"] == {"before": 8, "after": 6}
    assert event.changes["every_months"] == {"before": 12, "after": 6}
    assert event.changes["direct_payment_first_months"] == {"before": 6, "after": 3}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_weeks", 5),
        ("first_weeks", 9),
        ("every_months", 0),
        ("every_months", 13),
        ("direct_payment_first_months", 0),
        ("direct_payment_first_months", 7),
    ],
)
def test_intervals_outside_the_guidance_are_refused_naming_the_field(world, field, value):
    with pytest.raises(ValidationFailed) as refused:
        _set(world, **{field: value})
    assert set(refused.value.errors) == {field}
    assert not ReviewSettings.objects.exists()
    assert not AuditEvent.objects.filter(verb="reviews.settings_set").exists()


def test_every_bad_interval_is_named_at_once(world):
    with pytest.raises(ValidationFailed) as refused:
        _set(world, first_weeks=4, every_months=24, direct_payment_first_months=12)
    assert set(refused.value.errors) == {"first_weeks", "every_months", "direct_payment_first_months"}


def test_the_limits_are_accepted(world):
    row = _set(world, first_weeks=8, every_months=12, direct_payment_first_months=6)
    row = _set(world, version=row.version, first_weeks=6, every_months=1, direct_payment_first_months=1)
    assert (row.first_weeks, row.every_months, row.direct_payment_first_months) == (6, 1, 1)


def test_two_admins_never_overwrite_each_other_silently(world):
    read = selectors.review_settings_for(organisation_id=world.county.pk).version
    _set(world, version=read, first_weeks=7)
    with pytest.raises(ConflictError):
        _set(world, version=read, first_weeks=6)
    assert ReviewSettings.objects.get(organisation=world.county).first_weeks == 7
    assert AuditEvent.objects.filter(verb="reviews.settings_set").count() == 1


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "org_admin"])
def test_only_the_organisations_admin_sets_its_intervals(world, name):
    with pytest.raises(PermissionRefused):
        _set(world, user=getattr(world, name))
    assert not ReviewSettings.objects.exists()


def test_an_admin_does_not_set_another_organisations_intervals(world):
    assert has_perm(world.org_admin, "reviews.manage_settings", world.county.pk)
    assert not has_perm(world.org_admin, "reviews.manage_settings", world.district.pk)
    with pytest.raises(PermissionRefused):
        services.review_settings_set(
            user=world.org_admin,
            organisation_id=world.district.pk,
            version=1,
            first_weeks=6,
            every_months=6,
            direct_payment_first_months=3,
        )


@pytest.mark.parametrize("name", PERSONAS)
def test_the_settings_predicate_agrees_with_its_twin(world, name):
    user = getattr(world, name)
    twin = selectors.organisation_list_review_settings_manageable(user=user)
    assert has_perm(user, "reviews.manage_settings") == twin.exists()
    for organisation in (world.county, world.district):
        assert (
            has_perm(user, "reviews.manage_settings", organisation.pk)
            == twin.filter(pk=organisation.pk).exists()
        )


# --- The sweep uses them ---


def test_the_sweep_uses_the_organisations_six_weeks_then_six_months(world, active_plan, review_may_start):
    _set(world)
    assert services.make_due_reviews() == 1
    first = Review.objects.get(case=active_plan.case, status="due")
    assert first.due_on == localdate(active_plan.activated_at) + datetime.timedelta(weeks=6)
    review = finish_review(user=world.practitioner, review=first)
    services.review_sign_person(
        user=world.practitioner, review=review, version=review.version, signer="person", name="Margaret"
    )
    services.review_sign_authority(user=world.team_manager, review=review, version=review.version)
    review.refresh_from_db()
    assert review.status == "complete"
    assert services.make_due_reviews() == 1
    second = Review.objects.get(case=active_plan.case, status="due")
    assert second.due_on == add_months(localdate(review.completed_at), 6)


def test_the_sweep_uses_the_defaults_until_the_organisation_sets_its_own(world, active_plan):
    assert services.make_due_reviews() == 1
    review = Review.objects.get(case=active_plan.case, status="due")
    assert review.due_on == localdate(active_plan.activated_at) + datetime.timedelta(weeks=8)


def test_a_direct_payment_is_first_reviewed_at_the_organisations_interval(world, case, limits):
    _set(world, first_weeks=8, every_months=12, direct_payment_first_months=3)
    plan = dp_plan(world, case)
    plan = plans.support_plan_activate(user=world.team_manager, plan=plan, version=plan.version)
    first_payment = clock.today() - datetime.timedelta(days=40)
    dp_started(world, case, starts_on=first_payment)
    assert services.make_due_reviews() == 1
    assert Review.objects.get(case=case).due_on == add_months(first_payment, 3)
    assert selectors.dp_first_review_due(case=case, first_payment_on=first_payment) == add_months(
        first_payment, 3
    )


def test_the_sweep_reads_the_intervals_once_a_batch(world, risk, limits):
    _set(world)
    _active_plans(world, 1)
    with CaptureQueriesContext(connection) as one:
        assert services.make_due_reviews() == 1
    _active_plans(world, 3)
    with CaptureQueriesContext(connection) as three:
        assert services.make_due_reviews() == 3
    assert len(three) == len(one)
    assert sum("reviews_reviewsettings" in q["sql"] for q in three.captured_queries) == 1
    assert {r.due_on - localdate(r.plan.activated_at) for r in Review.objects.select_related("plan")} == {
        datetime.timedelta(weeks=6)
    }


# --- The page ---

PAGE = "/reviews/settings"


def test_the_admin_sets_the_intervals_on_the_page(login, world):
    admin = login(world.org_admin)
    home = admin.get("/").content.decode()
    assert PAGE in home  # in the organisation admin's navigation
    page = admin.get(PAGE)
    assert page.status_code == 200 and 'value="8"' in page.content.decode()
    body = {"version": 1, "first_weeks": 6, "every_months": 6, "direct_payment_first_months": 3}
    assert admin.post(PAGE, body).status_code == 302
    assert ReviewSettings.objects.get(organisation=world.county).intervals.every_months == 6


def test_the_page_shows_each_bad_interval_in_an_error_summary(login, world):
    admin = login(world.org_admin)
    bad = admin.post(
        PAGE, {"version": 1, "first_weeks": 9, "every_months": 13, "direct_payment_first_months": ""}
    )
    content = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in content
    assert (
        "Enter a number of weeks from 6 to 8" in content
        and "Enter a number of months from 1 to 12" in content
    )
    assert "Enter a number of months from 1 to 6" in content
    assert not ReviewSettings.objects.exists()


def test_the_page_refuses_a_stale_save(login, world):
    _set(world, first_weeks=7)
    admin = login(world.org_admin)
    stale = admin.post(
        PAGE, {"version": 1, "first_weeks": 6, "every_months": 6, "direct_payment_first_months": 3}
    )
    assert stale.status_code == 200 and "Somebody else changed the review intervals" in stale.content.decode()
    assert ReviewSettings.objects.get(organisation=world.county).first_weeks == 7


@pytest.mark.parametrize(
    "name", ["practitioner", "team_manager", "case_manager", "auditor", "district_worker"]
)
def test_the_page_is_refused_to_anyone_but_an_admin(login, world, name):
    client = login(getattr(world, name))
    assert client.get(PAGE).status_code == 403
    body = {"version": 1, "first_weeks": 6, "every_months": 6, "direct_payment_first_months": 3}
    assert client.post(PAGE, body).status_code == 403
    assert PAGE not in client.get("/").content.decode()
    assert not ReviewSettings.objects.exists()


# --- The API ---


def test_the_api_reads_and_sets_the_intervals(api, world):
    admin = api(world.org_admin)
    read = admin.get("/reviews/settings")
    assert read.status_code == 200, read.content
    assert read.json()["is_default"] is True and read.json()["first_weeks"] == 8
    saved = admin.put(
        "/reviews/settings",
        {
            "version": read.json()["version"],
            "first_weeks": 6,
            "every_months": 6,
            "direct_payment_first_months": 3,
        },
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["is_default"] is False and saved.json()["every_months"] == 6
    stale = admin.put(
        "/reviews/settings",
        {
            "version": read.json()["version"],
            "first_weeks": 7,
            "every_months": 6,
            "direct_payment_first_months": 3,
        },
    )
    assert stale.status_code == 409
    bad = admin.put(
        "/reviews/settings",
        {
            "version": saved.json()["version"],
            "first_weeks": 9,
            "every_months": 0,
            "direct_payment_first_months": 3,
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"first_weeks", "every_months"}
    assert ReviewSettings.objects.get(organisation=world.county).first_weeks == 6


@pytest.mark.parametrize("name", ["practitioner", "team_manager", "district_worker"])
def test_the_api_refuses_anyone_but_an_admin(api, world, name):
    client = api(getattr(world, name))
    assert client.get("/reviews/settings").status_code == 403
    body = {"version": 1, "first_weeks": 6, "every_months": 6, "direct_payment_first_months": 3}
    assert client.put("/reviews/settings", body).status_code == 403
    assert not ReviewSettings.objects.exists()
