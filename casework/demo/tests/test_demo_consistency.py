"""The demo's histories agree with what its pages say: checked over every demo case and every record on one.

The demo builds each case through the services with the clock moved to the moment of each step, so a record
about a case must carry the time of the event it records: nothing dated before the case was raised, after the
last event of its timeline (the audit trail), or "today" on a case whose history ended months ago. A stage the
case has completed has the work that stage needs. Every demo login the README and `make run` list signs in
with the demo password. The demo is built once for the module (in a transaction rolled back at the end).
"""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.db import models, transaction
from django.db.models import Max
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.mfa import totp_code
from casework.accounts.models import User
from casework.assessments.models import Assessment, Need, NeedStatusChange
from casework.audit.models import AuditEvent
from casework.careact.models import AdvocacyDecision, EligibilityDetermination, PreventionRecord
from casework.cases.models import Case, CaseNote, StageProgress
from casework.contacts.models import ContactEvent
from casework.demo.builder import DEMO_LOGINS, build_demo, demo_logins_table, demo_mfa_key

# Dates that look forward (when something is due, or expires, or should happen next), not back at an event.
FORWARD_LOOKING = {
    "next_attempt_at",
    "due_date",
    "due_on",
    "old_due_on",
    "new_due_on",
    "breached_due_on",
    "expires_on",
    "next_letter_on",
    "next_review_on",
    "recontact_on",
    "period_ends",  # the last day a scheduled direct payment covers
}
README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        summary = build_demo(people=200, seed=2026, progress_stream=io.StringIO())
        yield summary
        transaction.set_rollback(True)


def _dated_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and field.name not in FORWARD_LOOKING
    ]


def _paths_to_case() -> list[tuple[type[models.Model], str]]:
    """Every model that is about a case, with the lookup from it to its case: those with a foreign key to
    Case, and those with a foreign key to one of them (a need's status changes, a referral's actions)."""
    direct = {
        model: field.name
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Case
    }
    paths = list(direct.items())
    for model in apps.get_models():
        if model in direct:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in direct:
                paths.append((model, f"{field.name}__{direct[field.related_model]}"))
    return paths


def _as_moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time(), tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
def test_every_record_about_a_case_is_dated_within_the_case_history(demo):
    cases = {case.pk: case for case in Case.objects.select_related("person")}
    last_event = dict(
        AuditEvent.objects.filter(case_id__isnull=False)
        .values("case_id")
        .annotate(last=Max("occurred_at"))
        .values_list("case_id", "last")
    )
    assert set(last_event) == set(cases), "every demo case has a timeline"
    today = timezone.localdate()
    problems: list[str] = []

    def check(label: str, case: Case, name: str, value) -> None:
        if value is None:
            return
        raised, last = case.raised_at, last_event[case.pk]
        if isinstance(value, datetime.datetime):
            too_early, too_late = value < raised, value > last
        else:  # a day: within the days of the history
            too_early = value < timezone.localdate(raised)
            too_late = value > timezone.localdate(last)
        if too_early or too_late:
            ended = timezone.localdate(last)
            problems.append(
                f"{case.reference} {label}.{name} = {value:%Y-%m-%d %H:%M}: "
                f"{'before the case was raised' if too_early else 'after its last event'} "
                f"(raised {raised:%Y-%m-%d %H:%M}, history ended {last:%Y-%m-%d %H:%M}"
                f"{'' if ended == today else ', not today'})"
            )

    checked = 0
    for case in cases.values():
        for field in _dated_fields(Case):
            check("Case", case, field.name, getattr(case, field.name))
        if case.person is not None:
            # The person's record existed before a case was raised about them.
            if case.person.created_at > case.raised_at:
                problems.append(f"{case.reference}: its person's record was made after the case was raised")
    for model, to_case in _paths_to_case():
        fields = _dated_fields(model)
        if not fields:
            continue
        for row in model._default_manager.filter(**{f"{to_case}__isnull": False}).values(
            "pk", to_case, *[field.name for field in fields]
        ):
            checked += 1
            case = cases[row[to_case]]
            for field in fields:
                check(f"{model.__name__} {row['pk']}", case, field.name, row[field.name])
    # Audit events about a case are its timeline: none before it was raised, none in the future.
    now = timezone.now()
    for event in AuditEvent.objects.filter(case_id__isnull=False).values("case_id", "verb", "occurred_at"):
        case = cases[event["case_id"]]
        if not case.raised_at <= event["occurred_at"] <= now:
            problems.append(f"{case.reference}: {event['verb']} at {event['occurred_at']:%Y-%m-%d %H:%M}")
    assert checked > 500
    assert not problems, f"{len(problems)} records out of their case's history:\n" + "\n".join(problems[:40])


@pytest.mark.django_db
def test_a_case_whose_history_ended_before_today_has_nothing_dated_today(demo):
    """The symptom in issue 13: a decision recorded "today" on a case whose timeline says May."""
    today = timezone.localdate()
    ended_earlier = {
        case_id
        for case_id, last in AuditEvent.objects.filter(case_id__isnull=False)
        .values("case_id")
        .annotate(last=Max("occurred_at"))
        .values_list("case_id", "last")
        if timezone.localdate(last) < today
    }
    assert len(ended_earlier) > 50
    dated_today = []
    for model, to_case in _paths_to_case():
        if not any(field.name == "created_at" for field in model._meta.concrete_fields):
            continue
        for case_id, created_at in model._default_manager.filter(
            **{f"{to_case}__in": ended_earlier}
        ).values_list(to_case, "created_at"):
            if timezone.localdate(created_at) == today:
                dated_today.append(f"{model.__name__} on case {case_id}")
    assert not dated_today, dated_today[:20]


def _earliest_by_case(queryset, moment_field: str) -> dict[int, list[datetime.datetime]]:
    found: dict[int, list[datetime.datetime]] = defaultdict(list)
    for case_id, moment in queryset.values_list("case_id", moment_field):
        found[case_id].append(_as_moment(moment))
    return found


@pytest.mark.django_db
def test_every_completed_stage_has_its_work(demo):
    """What each stage is for was done before the stage was marked complete (the case page shows it)."""
    reached = _earliest_by_case(ContactEvent.objects.filter(outcome="reached"), "occurred_at")
    assessed = _earliest_by_case(Assessment.objects.filter(status="completed"), "completed_at")
    advocacy = _earliest_by_case(AdvocacyDecision.objects.filter(activity="assessment"), "created_at")
    eligibility = _earliest_by_case(EligibilityDetermination.objects.all(), "created_at")
    prevention = _earliest_by_case(PreventionRecord.objects.all(), "created_at")
    review_notes = _earliest_by_case(CaseNote.objects.filter(stage="review"), "created_at")
    needs_by_case: dict[int, list[Need]] = defaultdict(list)
    for need in Need.objects.all():
        needs_by_case[need.case_id].append(need)
    changes: dict[int, list[NeedStatusChange]] = defaultdict(list)
    for change in NeedStatusChange.objects.order_by("changed_at", "pk"):
        changes[change.need_id].append(change)

    def needs_moved_on(case_id: int, by: datetime.datetime, statuses: set[str]) -> bool:
        """Every need recorded by then had reached one of `statuses` (or been finished with) by then."""
        finished = {"resolved", "no_longer_relevant", "rejected"}
        for need in needs_by_case[case_id]:
            if need.created_at > by:
                continue
            if not any(c.changed_at <= by and c.to_status in statuses | finished for c in changes[need.pk]):
                return False
        return True

    def before(found: dict[int, list[datetime.datetime]], case_id: int, by: datetime.datetime) -> bool:
        return any(moment <= by for moment in found.get(case_id, []))

    problems: list[str] = []
    completed = list(
        StageProgress.objects.filter(completed_at__isnull=False, reset_at__isnull=True).select_related("case")
    )
    by_stage: dict[str, int] = defaultdict(int)
    for progress in completed:
        case, by, stage = progress.case, progress.completed_at, progress.stage
        by_stage[stage] += 1
        missing = []
        if stage in ("intake", "awaiting_allocation") and case.responsible_organisation_id is None:
            missing.append("an organisation responsible for it")
        if stage == "awaiting_allocation" and case.primary_worker_id is None:
            missing.append("a worker")
        if stage == "contact" and not before(reached, case.pk, by):
            missing.append("a contact that reached the person")
        if stage == "assessment":
            if not before(assessed, case.pk, by):
                missing.append("a completed assessment")
            if not before(advocacy, case.pk, by):
                missing.append("an advocacy decision")
        if stage == "planning":
            if needs_by_case[case.pk] and not before(eligibility, case.pk, by):
                missing.append("an eligibility determination")
            if not needs_moved_on(case.pk, by, {"planned", "being_managed"}):
                missing.append("its needs planned")
        if stage == "support":
            if not before(prevention, case.pk, by):
                missing.append("prevention considered")
            if not needs_moved_on(case.pk, by, {"being_managed"}):
                missing.append("its needs being met")
        if stage == "review" and not before(review_notes, case.pk, by):
            missing.append("a review note")
        if stage == "closing" and not (case.status == "finished" and case.outcome):
            missing.append("a closing outcome")
        if missing:
            problems.append(f"{case.reference} {stage} completed {by:%Y-%m-%d} without {', '.join(missing)}")
    # The demo completes every kind of stage somewhere, so each rule above is exercised.
    assert set(by_stage) == {
        "intake",
        "awaiting_allocation",
        "contact",
        "assessment",
        "planning",
        "support",
        "review",
        "closing",
    }
    assert not problems, "\n".join(problems[:40])
    # A completed assessment found needs, or none for a case closed as "no needs found".
    for case in Case.objects.filter(stage_progress__stage="planning").distinct():
        assert needs_by_case[case.pk], f"{case.reference} planned support without any need"


@pytest.mark.django_db
def test_every_demo_login_signs_in_with_the_demo_password(demo):
    request = RequestFactory().post("/accounts/login/")
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {login.username for login in DEMO_LOGINS}, "every demo user is a demo login"
    table = demo_logins_table()
    for login in DEMO_LOGINS:
        user = authenticate(request, username=login.username, password=django_settings.DEMO_PASSWORD)
        assert user == users[login.username], f"{login.username} cannot sign in with the demo password"
        assert re.search(
            rf"^\s+{re.escape(login.username)}\s+{re.escape(django_settings.DEMO_PASSWORD)}\s", table, re.M
        )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            # A login that must use MFA has the demo authenticator, whose codes demo_mfa_code prints.
            assert device.key == demo_mfa_key(login.username)
            assert device.verify_token(totp_code(device)), login.username


def test_the_readme_lists_every_demo_login():
    text = README.read_text()
    section = text[text.index("### Demo logins") : text.index("### A short tour")]
    listed = set(
        re.findall(
            r"`([a-z0-9.]+)`", "\n".join(line for line in section.splitlines() if line.startswith("|"))
        )
    )
    assert {login.username for login in DEMO_LOGINS} <= listed
