"""Resource allocation and personal budgets: the organisation's questionnaire (drafted, published, never
changed), its settings, a case's indicative budget and personal budget, and the approval chain within each
approver's limit; audited; who may do what (predicates, their queryset twins, the personas)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.audit.models import AccessEvent, AuditEvent
from casework.cases.models import Case
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.plans import budget_selectors as selectors
from casework.plans import budgets, services
from casework.plans.budget_models import BudgetApproval, IndicativeBudget, PersonalBudget, RasQuestionnaire
from casework.plans.charging.calculator import AssessmentInput, Household, IncomeItem, IncomeKind, Path
from casework.plans.ras import questionnaire as ras
from conftest import PERSONAS

D = Decimal
# Every second answer of the default questionnaire: 23 points, £218.50 a week.
SOME_HELP = {f"q{n}": f"q{n}a2" for n in range(1, 8)}


@pytest.fixture
def published(world):
    return budgets.plans_seed_ras(organisation_id=world.county.pk)


@pytest.fixture
def limits(world):
    """Team managers approve up to £49,000 a year, case managers (the head of service) without a limit."""
    return budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("10"),
        approval_limits={"team_manager": D("49000"), "case_manager": None},
    )


@pytest.fixture
def indicative(world, case, published):
    return budgets.indicative_budget_record(
        user=world.practitioner, case=case, questionnaire_id=published.pk, answers=SOME_HELP
    )


def _budget(world, case, weekly, reason=""):
    current = PersonalBudget.objects.filter(case=case, superseded_at__isnull=True).first()
    return budgets.personal_budget_save(
        user=world.practitioner,
        case=case,
        version=current.version if current else None,
        weekly_cost=D(weekly),
        difference_reason=reason,
    )


# --- The questionnaire ---


def test_the_seed_publishes_the_default_as_version_one_once(world, published):
    assert published.status == "published" and published.number == 1
    assert ras.validate(ras.from_json(published.content)) == []
    assert budgets.plans_seed_ras(organisation_id=world.county.pk) == published
    assert RasQuestionnaire.objects.count() == 1


def test_a_change_is_a_new_version_and_budgets_keep_theirs(world, case, published, indicative):
    admin = world.org_admin
    draft = budgets.ras_draft_open(user=admin, organisation_id=world.county.pk)
    assert draft.status == "draft" and draft.content == published.content
    budgets.ras_draft_bands_set(user=admin, draft=draft, version=draft.version, bands="0 | 0 | 12")
    budgets.ras_draft_question_add(
        user=admin, draft=draft, version=draft.version, text="Caring for others", answers="0 | No\n6 | Yes"
    )
    budgets.ras_draft_publish(user=admin, draft=draft, version=draft.version)
    draft.refresh_from_db()
    assert draft.number == 2 and draft.published_by == admin
    published.refresh_from_db()
    assert published.content["bands"][0]["per_point"] == "9.50"  # version 1 unchanged
    indicative.refresh_from_db()
    assert indicative.questionnaire == published and indicative.weekly_amount == D("218.50")
    with pytest.raises(ConflictError, match="Version 2"):
        budgets.indicative_budget_record(
            user=world.practitioner, case=case, questionnaire_id=published.pk, answers=SOME_HELP
        )
    again = budgets.indicative_budget_record(
        user=world.practitioner, case=case, questionnaire_id=draft.pk, answers={**SOME_HELP, "q8": "q8a2"}
    )
    assert again.weekly_amount == D("29") * 12 and again.questionnaire.number == 2
    verbs = list(AuditEvent.objects.filter(verb__startswith="plans.ras").values_list("verb", flat=True))
    assert verbs.count("plans.ras_published") == 2 and "plans.ras_bands_set" in verbs


def test_a_published_version_never_changes(world, published):
    with pytest.raises(DomainError, match="never changes"):
        budgets.ras_draft_bands_set(
            user=world.org_admin, draft=published, version=published.version, bands="0 | 1"
        )
    with pytest.raises(DomainError, match="published already"):
        budgets.ras_draft_publish(user=world.org_admin, draft=published, version=published.version)


def test_a_draft_that_cannot_be_used_is_not_published(world):
    draft = budgets.ras_draft_open(user=world.org_admin, organisation_id=world.county.pk)
    with pytest.raises(ValidationFailed, match="at least one question"):
        budgets.ras_draft_publish(user=world.org_admin, draft=draft, version=draft.version)
    with pytest.raises(ValidationFailed) as bad:
        budgets.ras_draft_question_add(
            user=world.org_admin, draft=draft, version=draft.version, text="Q", answers="x"
        )
    assert bad.value.field == "answers"
    draft.refresh_from_db()
    assert draft.version == 1 and draft.content == {"questions": [], "bands": []}


def test_two_admins_editing_the_draft_at_once_are_told(world):
    draft = budgets.ras_draft_open(user=world.org_admin, organisation_id=world.county.pk)
    budgets.ras_draft_bands_set(user=world.org_admin, draft=draft, version=1, bands="0 | 10")
    stale = RasQuestionnaire.objects.get(pk=draft.pk)
    with pytest.raises(ConflictError):
        budgets.ras_draft_bands_set(user=world.org_admin, draft=stale, version=1, bands="0 | 20")


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "org_admin"])
def test_only_the_organisation_admin_keeps_the_questionnaire_and_limits(world, name):
    user = getattr(world, name)
    assert has_perm(user, "plans.manage_budget_settings", world.county.pk) is False
    assert world.county not in selectors.organisation_list_budget_manageable(user=user)
    with pytest.raises(PermissionRefused):
        budgets.ras_draft_open(user=user, organisation_id=world.county.pk)
    with pytest.raises(PermissionRefused):
        budgets.budget_settings_set(
            user=user,
            organisation_id=world.county.pk,
            version=1,
            difference_threshold_percent=D("5"),
            approval_limits={},
        )


def test_the_admins_predicate_and_its_twin_agree(world):
    assert has_perm(world.org_admin, "plans.manage_budget_settings", world.county.pk)
    assert not has_perm(world.org_admin, "plans.manage_budget_settings", world.district.pk)
    assert list(selectors.organisation_list_budget_manageable(user=world.org_admin)) == [world.county]


# --- Settings ---


def test_settings_are_versioned_and_audited(world, limits):
    assert limits.approval_limits == {"team_manager": "49000.00", "case_manager": None}
    event = AuditEvent.objects.get(verb="plans.budget_settings_set")
    assert event.organisation_id == world.county.pk
    assert event.changes["approval_limits"]["after"]["team_manager"] == "49000.00"
    with pytest.raises(ConflictError):
        budgets.budget_settings_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            version=1,
            difference_threshold_percent=D("5"),
            approval_limits={},
        )
    with pytest.raises(ValidationFailed):
        budgets.budget_settings_set(
            user=world.org_admin,
            organisation_id=world.county.pk,
            version=2,
            difference_threshold_percent=D("101"),
            approval_limits={},
        )


# --- The indicative budget ---


def test_the_indicative_budget_is_computed_and_broken_down_per_answer(world, case, indicative):
    assert indicative.points == 23 and indicative.weekly_amount == D("218.50")
    assert len(indicative.lines) == 7
    assert sum(D(line["weekly"]) for line in indicative.lines) == D("218.50")
    assert indicative.lines[0]["answer"] == "Needs some help on some days"
    event = AuditEvent.objects.get(verb="plans.indicative_budget_recorded")
    assert event.case_id == case.pk and event.changes["questionnaire_version"]["after"] == 1


def test_an_unanswered_question_is_refused_and_nothing_is_written(world, case, published):
    with pytest.raises(ValidationFailed, match="Answer"):
        budgets.indicative_budget_record(
            user=world.practitioner, case=case, questionnaire_id=published.pk, answers={"q1": "q1a1"}
        )
    assert not IndicativeBudget.objects.exists()


def test_no_published_questionnaire_is_a_clear_refusal(world, case):
    with pytest.raises(DomainError, match="not published"):
        budgets.indicative_budget_record(user=world.practitioner, case=case, questionnaire_id=1, answers={})


def test_a_new_indicative_budget_supersedes_the_last_which_stays(world, case, published, indicative):
    budgets.indicative_budget_record(
        user=world.practitioner, case=case, questionnaire_id=published.pk, answers=SOME_HELP
    )
    assert IndicativeBudget.objects.filter(case=case).count() == 2
    assert IndicativeBudget.objects.filter(case=case, superseded_at__isnull=True).count() == 1


# --- The personal budget ---


def _assess(world, case, charge_income="150"):
    record = services.financial_assessment_start(user=world.practitioner, case=case)
    data = AssessmentInput(
        path=Path.NON_RESIDENTIAL,
        household=Household(age=30),
        income=(IncomeItem(IncomeKind.EMPLOYMENT_SUPPORT, D(charge_income)),),
        weekly_cost_of_care=D("300"),
    )
    return services.financial_assessment_complete(
        user=world.practitioner, assessment=record, version=record.version, data=data
    )


def test_the_three_figures_come_from_the_completed_financial_assessment(world, case, indicative):
    assessment = _assess(world, case)
    budget = _budget(world, case, "230")
    assert budget.financial_assessment == assessment
    assert (budget.weekly_cost, budget.person_pays_weekly, budget.council_pays_weekly) == (
        D("230.00"),
        D("26.65"),
        D("203.35"),
    )
    assert budget.annual_cost == D("11960.00") and budget.difference_weekly == D("11.50")
    event = AuditEvent.objects.get(verb="plans.personal_budget_saved")
    assert event.changes["person_pays_weekly"]["after"] == "26.65"


def test_without_a_completed_assessment_the_person_pays_is_not_known(world, case, indicative):
    budget = _budget(world, case, "218.50")
    assert budget.person_pays_weekly is None and budget.council_pays_weekly == D("218.50")


def test_a_difference_over_the_threshold_needs_a_reason(world, case, indicative, limits):
    with pytest.raises(ValidationFailed, match="more than 10 %") as refused:
        _budget(world, case, "260")
    assert refused.value.field == "difference_reason"
    assert not PersonalBudget.objects.exists()
    budget = _budget(world, case, "260", reason="Two carers are needed for transfers.")
    assert budget.difference_reason == "Two carers are needed for transfers."
    assert AuditEvent.objects.get(verb="plans.personal_budget_saved").reason == budget.difference_reason


def test_a_draft_is_edited_in_place_and_a_stale_edit_is_refused(world, case, indicative):
    budget = _budget(world, case, "218.50")
    edited = budgets.personal_budget_save(
        user=world.practitioner, case=case, version=budget.version, weekly_cost=D("220")
    )
    assert edited.pk == budget.pk and edited.version == 2
    with pytest.raises(ConflictError):
        budgets.personal_budget_save(user=world.team_manager, case=case, version=1, weekly_cost=D("221"))
    with pytest.raises(ConflictError):
        budgets.personal_budget_save(user=world.team_manager, case=case, version=None, weekly_cost=D("221"))


def test_a_personal_budget_needs_an_indicative_one_first(world, case):
    with pytest.raises(DomainError, match="indicative budget first"):
        _budget(world, case, "100")


# --- Approval ---


def _submitted(world, case, weekly):
    budget = _budget(world, case, weekly, reason="A reason given in full")
    return budgets.personal_budget_submit(user=world.practitioner, budget=budget, version=budget.version)


def test_within_the_team_managers_limit_the_team_manager_approves(world, case, indicative, limits):
    budget = _submitted(world, case, "218.50")  # £11,362 a year
    assert budget.status == "awaiting_approval" and budget.awaiting_role == "team_manager"
    budgets.personal_budget_approve(user=world.team_manager, budget=budget, version=budget.version)
    budget.refresh_from_db()
    assert budget.status == "approved" and budget.approved_by == world.team_manager
    approval = BudgetApproval.objects.get()
    assert (approval.user, approval.role, approval.annual_limit, approval.annual_cost, approval.decision) == (
        world.team_manager,
        "team_manager",
        D("49000.00"),
        D("11362.00"),
        "approved",
    )
    event = AuditEvent.objects.get(verb="plans.personal_budget_approved")
    assert event.actor == world.team_manager
    assert event.changes["annual_cost"]["after"] == "11362.00"
    assert event.changes["approver_limit"]["after"] == "49000.00"


def test_over_the_limit_the_approval_is_refused_and_goes_up_the_chain(world, case, indicative, limits):
    budget = _submitted(world, case, "1000")  # £52,000 a year: over the team manager's £49,000
    with pytest.raises(
        DomainError, match="over your approval limit of £49,000.00: refer it up to a case manager"
    ):
        budgets.personal_budget_approve(user=world.team_manager, budget=budget, version=budget.version)
    budget.refresh_from_db()
    assert budget.status == "awaiting_approval" and not BudgetApproval.objects.exists()
    budgets.personal_budget_refer_up(user=world.team_manager, budget=budget, version=budget.version)
    assert budget.awaiting_role == "case_manager" and budget.status == "awaiting_approval"
    with pytest.raises(DomainError, match="awaiting approval by a case manager"):
        budgets.personal_budget_approve(user=world.team_manager, budget=budget, version=budget.version)
    budgets.personal_budget_approve(user=world.case_manager, budget=budget, version=budget.version)
    budget.refresh_from_db()
    assert budget.status == "approved" and budget.approved_by == world.case_manager
    chain = list(BudgetApproval.objects.values_list("user__username", "decision", "annual_cost"))
    assert chain == [
        ("team_manager", "passed_up", D("52000.00")),
        ("case_manager", "approved", D("52000.00")),
    ]
    assert AuditEvent.objects.filter(verb="plans.personal_budget_passed_up").count() == 1


def test_nobody_approves_above_their_own_limit_even_at_the_top(world, case, indicative):
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=1,
        difference_threshold_percent=D("100"),
        approval_limits={"team_manager": D("10000"), "case_manager": D("60000")},
    )
    with pytest.raises(DomainError, match="over every approval limit"):
        _submitted(world, case, "2000")  # £104,000 a year
    budget = PersonalBudget.objects.get()
    assert budget.status == "draft"


def test_a_higher_level_may_approve_before_the_lower_one_has(world, case, indicative, limits):
    budget = _submitted(world, case, "1000")
    budgets.personal_budget_approve(user=world.case_manager, budget=budget, version=budget.version)
    assert budget.status == "approved" and budget.approved_by == world.case_manager


def test_within_the_limit_there_is_nothing_to_refer_up(world, case, indicative, limits):
    budget = _submitted(world, case, "218.50")
    with pytest.raises(DomainError, match="within your approval limit"):
        budgets.personal_budget_refer_up(user=world.team_manager, budget=budget, version=budget.version)


def test_no_limits_set_means_nothing_can_be_sent(world, case, indicative):
    budget = _budget(world, case, "218.50")
    with pytest.raises(DomainError, match="not set budget approval limits"):
        budgets.personal_budget_submit(user=world.practitioner, budget=budget, version=budget.version)


def test_changing_an_approved_budget_makes_a_new_draft_and_the_old_stays(world, case, indicative, limits):
    budget = _submitted(world, case, "218.50")
    budgets.personal_budget_approve(user=world.team_manager, budget=budget, version=budget.version)
    changed = budgets.personal_budget_save(
        user=world.practitioner, case=case, version=budget.version, weekly_cost=D("225")
    )
    assert changed.pk != budget.pk and changed.status == "draft"
    budget.refresh_from_db()
    assert budget.status == "approved" and budget.superseded_at is not None


@pytest.mark.parametrize(
    "name", ["practitioner", "practitioner2", "duty_officer", "auditor", "district_worker"]
)
def test_those_who_hold_no_approving_role_may_not_approve(world, case, indicative, limits, name):
    budget = _submitted(world, case, "218.50")
    with pytest.raises(PermissionRefused):
        budgets.personal_budget_approve(user=getattr(world, name), budget=budget, version=budget.version)


@pytest.mark.parametrize("name", PERSONAS)
def test_each_budget_predicate_agrees_with_its_twin(world, case, name):
    user = getattr(world, name)
    twins = {
        "plans.view_budget_case": selectors.case_list_budget_visible,
        "plans.record_budget_case": selectors.case_list_budget_recordable,
        "plans.approve_budget_case": selectors.case_list_budget_approvable,
    }
    for permission, twin in twins.items():
        assert has_perm(user, permission, case) == twin(user=user).filter(pk=case.pk).exists(), permission


def test_who_may_approve(world, case):
    may = {name for name in PERSONAS if has_perm(getattr(world, name), "plans.approve_budget_case", case)}
    assert may == {"team_manager", "case_manager"}
    Case.objects.filter(pk=case.pk).update(status="closed")
    case.refresh_from_db()
    assert not has_perm(world.team_manager, "plans.approve_budget_case", case)


def test_reading_the_budget_is_recorded_and_refused_to_outsiders(
    world, case, indicative, django_assert_max_num_queries
):
    _budget(world, case, "218.50")
    with django_assert_max_num_queries(8):
        found = selectors.case_budget_get_for_user(user=world.auditor, case=case)
    assert found.indicative == indicative and found.personal is not None
    assert AccessEvent.objects.filter(verb="plans.budget_viewed", case_id=case.pk).exists()
    with pytest.raises(PermissionRefused):
        selectors.case_budget_get_for_user(user=world.outsider, case=case)


def test_the_approvers_worklist(world, case, indicative, limits):
    budget = _submitted(world, case, "1000")
    assert list(selectors.personal_budget_list_awaiting_for_user(user=world.team_manager)) == [budget]
    assert list(selectors.personal_budget_list_awaiting_for_user(user=world.case_manager)) == []
    budgets.personal_budget_refer_up(user=world.team_manager, budget=budget, version=budget.version)
    assert list(selectors.personal_budget_list_awaiting_for_user(user=world.case_manager)) == [budget]
    assert list(selectors.personal_budget_list_awaiting_for_user(user=world.outsider)) == []


def test_the_seed_command_gives_case_holding_organisations_a_questionnaire_and_limits(world):
    from io import StringIO

    from django.core.management import call_command

    from casework.plans.budget_models import BudgetSettings

    call_command("plans_seed_ras", stdout=StringIO())
    seeded = set(RasQuestionnaire.objects.values_list("organisation_id", flat=True))
    assert seeded == {world.county.pk, world.district.pk, world.elsewhere.pk}  # not the foodbank
    settings = BudgetSettings.objects.get(organisation=world.county)
    assert settings.approval_limits == budgets.DEFAULT_APPROVAL_LIMITS
    call_command("plans_seed_ras", stdout=StringIO())  # again: nothing twice
    assert RasQuestionnaire.objects.count() == 3 and BudgetSettings.objects.count() == 3


def test_the_seeded_settings_never_replace_the_organisations_own(world, limits):
    budgets.budget_settings_set(
        user=world.org_admin,
        organisation_id=world.county.pk,
        version=limits.version,
        difference_threshold_percent=D("20"),
        approval_limits={"team_manager": D("35000")},
    )
    kept = budgets.plans_seed_budget_settings(organisation_id=world.county.pk)
    assert kept.approval_limits == {"team_manager": "35000.00"} and kept.difference_threshold_percent == D(
        "20"
    )
