"""The Care Act pages: the case page's section, each record page (happy path, bad input changing nothing,
refusals), the stage-move warning to acknowledge, the history; audited reads and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.careact import services
from casework.careact.models import (
    AdvocacyDecision,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.careact.tests.conftest import advocacy_args
from casework.careact.tests.steps import (
    record_financial_information,
    record_no_advocacy_needed,
    record_prevention,
)
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.core import clock
from casework.plans.charging_gates import FINANCIAL_ASSESSMENT_NOT_STARTED as FA_NOT_STARTED
from casework.plans.tests.steps import record_signed_plan


def _url(name, case, *args):
    return reverse(f"careact:{name}", args=[case.pk, *args])


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _needs_advocate(world, case):
    return services.advocacy_decision_record(
        user=world.practitioner, case=case, **advocacy_args(referral_on=clock.today())
    )


NO_DIFFICULTY = {
    "difficulty_understanding": "no",
    "difficulty_retaining": "no",
    "difficulty_using_or_weighing": "no",
    "difficulty_communicating": "no",
    "appropriate_person": "no",
}


# The case page.


def test_the_case_page_shows_the_care_act_steps_with_links_to_record(login, world, case):
    content = login(world.practitioner).get(reverse("cases:case_care_act", args=[case.pk])).content.decode()
    assert "Care Act steps" in content
    assert "Before the assessment: Record whether Margaret needs an independent advocate" in content
    assert _url("advocacy_decide", case, "assessment") in content
    assert _url("prevention", case) in content and _url("financial_information", case) in content
    assert _url("eligibility", case, "adult") in content
    # The section's one access event names what it showed: the case's Care Act steps.
    assert AccessEvent.objects.filter(
        verb="cases.case_viewed", case_id=case.pk, actor=world.practitioner, details__section="care_act"
    ).exists()


def test_the_case_page_offers_a_case_manager_no_recording(login, world, case):
    _needs_advocate(world, case)
    content = login(world.case_manager).get(reverse("cases:case_care_act", args=[case.pk])).content.decode()
    assert "Waiting for an advocate" in content
    assert _url("advocacy_decide", case, "assessment") not in content
    assert "Record an exception" not in content


def test_the_team_manager_is_offered_the_exception(login, world, case):
    decision = _needs_advocate(world, case)
    content = login(world.team_manager).get(reverse("cases:case_care_act", args=[case.pk])).content.decode()
    assert _url("advocacy_exception", case, decision.pk) in content
    assert (
        _url("advocacy_exception", case, decision.pk)
        not in login(world.practitioner).get(reverse("cases:case_care_act", args=[case.pk])).content.decode()
    )


def _queries(client, url):
    client.get(url)  # warm up: sessions, the audit chain heads
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(world, case, times):
    for _ in range(times):
        for activity in ("assessment", "review", "safeguarding_enquiry"):
            current = AdvocacyDecision.objects.filter(
                case=case, activity=activity, superseded_at__isnull=True
            ).first()
            decision = services.advocacy_decision_record(
                user=world.practitioner,
                case=case,
                **advocacy_args(
                    activity=activity,
                    referral_on=clock.today(),
                    replaces_id=current.pk if current else None,
                    version=current.version if current else None,
                ),
            )
            services.advocacy_exception_record(
                user=world.team_manager, decision=decision, reason="Urgent", version=decision.version
            )
        for model, record in (
            (PreventionRecord, record_prevention),
            (FinancialInformationRecord, record_financial_information),
        ):
            current = model.objects.filter(case=case, superseded_at__isnull=True).first()
            if current:
                model.objects.filter(pk=current.pk).update(superseded_at=clock.now())
            record(user=world.practitioner, case=case)


def test_the_case_page_and_history_query_counts_do_not_grow_with_the_records(login, world, case):
    client = login(world.practitioner)
    _fill(world, case, 1)
    page, history = _queries(client, case.get_absolute_url()), _queries(client, _url("steps_history", case))
    _fill(world, case, 3)
    assert _queries(client, case.get_absolute_url()) == page
    assert _queries(client, _url("steps_history", case)) == history


def test_the_history_lists_replaced_records_and_is_audited(login, world, case):
    first = record_no_advocacy_needed(user=world.practitioner, case=case)
    record_no_advocacy_needed(user=world.practitioner, case=case)
    content = login(world.case_manager).get(_url("steps_history", case)).content.decode()
    assert "Replaced" in content and "Current" in content
    event = AccessEvent.objects.get(verb="careact.history_viewed", actor=world.case_manager)
    assert first.pk in event.details["advocacy_decisions"]


# Who may see the pages.


@pytest.mark.parametrize("who", ["initiative_admin", "delivery_worker", "outsider", "district_worker"])
def test_people_who_may_not_open_the_case_get_404(login, world, case, who):
    client = login(getattr(world, who))
    decision = _needs_advocate(world, case)
    for url in (
        _url("steps_history", case),
        _url("advocacy_decide", case, "assessment"),
        _url("advocacy_advocate", case, decision.pk),
        _url("advocacy_exception", case, decision.pk),
        _url("prevention", case),
        _url("financial_information", case),
        _url("eligibility", case, "adult"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("financial_information", case), {"method": "leaflet"}).status_code == 404


def test_the_lead_organisation_does_not_see_another_organisations_case(login, world, district_case):
    assert login(world.practitioner).get(_url("steps_history", district_case)).status_code == 404
    assert login(world.district_worker).get(_url("steps_history", district_case)).status_code == 200


def test_a_case_manager_reads_but_gets_403_recording(login, world, case):
    client = login(world.case_manager)
    decision = _needs_advocate(world, case)
    assert client.get(_url("steps_history", case)).status_code == 200
    for url in (
        _url("advocacy_decide", case, "assessment"),
        _url("advocacy_advocate", case, decision.pk),
        _url("prevention", case),
        _url("financial_information", case),
        _url("eligibility", case, "adult"),
        _url("advocacy_exception", case, decision.pk),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(_url("advocacy_decide", case, "assessment"), NO_DIFFICULTY).status_code == 403
    assert AdvocacyDecision.objects.count() == 1


def test_unknown_activities_and_kinds_are_404(login, world, case):
    client = login(world.practitioner)
    assert client.get(_url("advocacy_decide", case, "lunch")).status_code == 404
    assert client.get(_url("eligibility", case, "child")).status_code == 404


# Advocacy.


def test_record_an_advocacy_decision(login, world, case):
    client = login(world.practitioner)
    url = _url("advocacy_decide", case, "assessment")
    assert "Would Margaret have substantial difficulty" in client.get(url).content.decode()
    response = client.post(url, {**NO_DIFFICULTY, "difficulty_communicating": ""})
    page = response.content.decode()
    assert "There is a problem" in page and "communicating their views" in page
    response = client.post(url, {**NO_DIFFICULTY, "difficulty_understanding": "yes"})
    assert "Enter the advocacy service the referral was made to" in response.content.decode()
    assert not AdvocacyDecision.objects.exists()
    response = client.post(
        url,
        {
            **NO_DIFFICULTY,
            "difficulty_understanding": "yes",
            "referral_to": "Wessex Hub",
            **_date("referral_on", clock.today()),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#care-act")
    decision = AdvocacyDecision.objects.get()
    assert decision.advocate_needed and decision.referral_to == "Wessex Hub"
    assert AuditEvent.objects.filter(verb="careact.advocacy_decided", case_id=case.pk).exists()
    # Changing it: the page carries what was read, and a stale page is refused.
    page = client.get(url).content.decode()
    assert f'name="replaces_id" value="{decision.pk}"' in page
    form = {**NO_DIFFICULTY, "replaces_id": decision.pk, "version": decision.version}
    assert client.post(url, form).status_code == 302
    stale = client.post(url, form)
    assert "Somebody else recorded this" in stale.content.decode()
    assert AdvocacyDecision.objects.count() == 2


def test_record_the_advocate(login, world, case):
    decision = _needs_advocate(world, case)
    client = login(world.practitioner)
    url = _url("advocacy_advocate", case, decision.pk)
    response = client.post(url, {"advocate_name": "", "version": decision.version})
    assert "Enter the name of the advocate" in response.content.decode()
    response = client.post(
        url,
        {"advocate_name": "Tom Okafor", "version": decision.version, **_date("advocate_from", clock.today())},
    )
    assert response.status_code == 302
    assert AdvocacyDecision.objects.get().advocate_in_place


def test_the_manager_exception_page(login, world, case):
    decision = _needs_advocate(world, case)
    url = _url("advocacy_exception", case, decision.pk)
    assert login(world.practitioner).get(url).status_code == 403
    assert (
        login(world.practitioner).post(url, {"reason": "x", "version": decision.version}).status_code == 403
    )
    client = login(world.team_manager)
    assert "Start before an advocate is in place" in client.get(url).content.decode()
    response = client.post(url, {"reason": "", "version": decision.version})
    assert "Enter why the activity may start" in response.content.decode()
    assert not AdvocacyDecision.objects.get().has_exception
    response = client.post(url, {"reason": "Hospital discharge cannot wait", "version": decision.version})
    assert response.status_code == 302
    assert AdvocacyDecision.objects.get().exception_by == world.team_manager


# Prevention and financial information.


def test_record_prevention_with_a_directory_service(login, world, case):
    from casework.directory.models import Service

    service = Service.objects.create(name="Casterbridge Lunch Club", status="active")
    client = login(world.practitioner)
    url = _url("prevention", case)
    found = client.post(url, {"signpost_search": "lunch", "find_services": "1"}).content.decode()
    assert "Casterbridge Lunch Club" in found and "There is a problem" not in found
    response = client.post(url, {"directory_service_ids": [str(service.pk)], "why_not_enough": ""})
    assert "Enter why the prevention" in response.content.decode()
    assert not PreventionRecord.objects.exists()
    response = client.post(
        url,
        {
            "directory_service_ids": [str(service.pk)],
            "services_considered": "Reablement",
            "why_not_enough": "She needs help every morning.",
        },
    )
    assert response.status_code == 302
    record = PreventionRecord.objects.get()
    assert record.services_list == ["Reablement"] and record.directory_services[0]["name"] == service.name


def test_record_financial_information(login, world, case):
    client = login(world.practitioner)
    url = _url("financial_information", case)
    response = client.post(
        url, {"method": "leaflet", **_date("given_on", clock.today() + datetime.timedelta(1))}
    )
    assert "must be today or in the past" in response.content.decode()
    assert not FinancialInformationRecord.objects.exists()
    response = client.post(url, {"method": "letter", **_date("given_on", clock.today())})
    assert response.status_code == 302
    assert FinancialInformationRecord.objects.get().method == "letter"
    assert "Given on" in client.get(reverse("cases:case_care_act", args=[case.pk])).content.decode()


# Eligibility.


ADULT_FINDINGS = {
    "condition_1": "yes",
    "significant_impact_on_wellbeing": "yes",
    "unable_nutrition": "on",
    "ways_nutrition": ["without_assistance"],
    "unable_clothing": "on",
    "ways_clothing": ["takes_significantly_longer"],
}


def test_check_then_record_an_eligibility_determination(login, world, case):
    client = login(world.practitioner)
    url = _url("eligibility", case, "adult")
    assert "Managing and maintaining nutrition" in client.get(url).content.decode()
    checked = client.post(url, {**ADULT_FINDINGS, "action": "check"}).content.decode()
    assert "The criteria are met" in checked and "There is a problem" not in checked
    response = client.post(url, {**ADULT_FINDINGS, "unable_toilet_needs": "on", "action": "check"})
    assert "Select how they are unable to achieve managing toilet needs" in response.content.decode()
    response = client.post(url, {**ADULT_FINDINGS, "action": "record", "confirmed_eligible": "eligible"})
    assert "Enter the reason for the determination" in response.content.decode()
    one = {**ADULT_FINDINGS, "unable_clothing": "", "ways_clothing": []}
    response = client.post(url, {**one, "action": "record", "confirmed_eligible": "eligible"})
    assert "Enter why your decision differs" in response.content.decode()
    assert not EligibilityDetermination.objects.exists()
    response = client.post(
        url,
        {
            **ADULT_FINDINGS,
            "action": "record",
            "confirmed_eligible": "eligible",
            "reason": "Assessed at home",
        },
    )
    assert response.status_code == 302
    record = EligibilityDetermination.objects.get()
    assert record.computed_eligible and record.confirmed_eligible


def test_a_carers_page_refuses_taking_longer(login, world, case):
    client = login(world.practitioner)
    response = client.post(
        _url("eligibility", case, "carer"),
        {
            "condition_1": "yes",
            "health_deteriorating": "no",
            "significant_impact_on_wellbeing": "yes",
            "unable_recreation": "on",
            "ways_recreation": ["takes_significantly_longer"],
            "action": "check",
        },
    )
    assert "There is a problem" in response.content.decode()  # not one of the carer's ways
    response = client.post(
        _url("eligibility", case, "carer"),
        {
            "condition_1": "yes",
            "health_deteriorating": "yes",
            "significant_impact_on_wellbeing": "yes",
            "action": "record",
            "confirmed_eligible": "eligible",
            "reason": "Caring has worn her down",
        },
    )
    assert response.status_code == 302
    assert EligibilityDetermination.objects.get().kind == "carer"


# Moving the case: the gates on the stage-move page.


def _at_planning(world, case):
    record_no_advocacy_needed(user=world.practitioner, case=case)
    case_services.case_move_stage(user=world.practitioner, case=case, stage="assessment")
    return case_services.case_move_stage(
        user=world.practitioner, case=case, stage="planning", acknowledged=[FA_NOT_STARTED]
    )


def test_the_assessment_block_shows_on_the_stage_move_page(login, world, case):
    response = login(world.practitioner).post(
        reverse("cases:case_move_stage", args=[case.pk]), {"stage": "assessment", "version": case.version}
    )
    content = response.content.decode()
    assert (
        "There is a problem" in content and "Record whether Margaret needs an independent advocate" in content
    )
    assert Case.objects.get(pk=case.pk).stage == "contact"


def test_the_financial_information_warning_must_be_acknowledged_on_the_page(login, world, case):
    case = _at_planning(world, case)
    record_signed_plan(user=world.practitioner, case=case)  # the plans app's gate (tested there)
    client = login(world.practitioner)
    url = reverse("cases:case_move_stage", args=[case.pk])
    blocked = client.post(url, {"stage": "support", "version": case.version}).content.decode()
    assert "Record the prevention and community services considered" in blocked
    record_prevention(user=world.practitioner, case=case)
    warned = client.post(url, {"stage": "support", "version": case.version}).content.decode()
    assert "There is a problem" in warned and "Move on despite these warnings" in warned
    assert 'value="financial_information_not_given"' in warned
    assert Case.objects.get(pk=case.pk).stage == "planning"
    assert "Move on despite these warnings" in client.get(f"{url}?stage=support").content.decode()
    response = client.post(
        url, {"stage": "support", "version": case.version, "acknowledge": ["financial_information_not_given"]}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).stage == "support"
    event = AuditEvent.objects.filter(verb="cases.stage_moved", case_id=case.pk).latest("sequence")
    assert event.changes["warnings_acknowledged"]["after"][0]["code"] == "financial_information_not_given"
