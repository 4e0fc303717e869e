"""Records in every app that keeps something on a case or about a person, `n` of each kind (with what refers
to them inside the app: a need's assessment, a referral's consent, a review's support plan, a superseded
version), written directly: the shapes retention must dispose of, not the workflows that make them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from casework.assessments.models import (
    Assessment,
    AssessmentFormVersion,
    Need,
    NeedDefinition,
    NeedStatusChange,
)
from casework.assessments.services import assessment_forms_install_standard
from casework.careact.models import (
    AdvocacyDecision,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.consent.models import ConsentRecord
from casework.plans.budget_models import BudgetApproval, IndicativeBudget, PersonalBudget, RasQuestionnaire
from casework.plans.dp_models import (
    DirectPaymentAgreement,
    DirectPaymentAuditReturn,
    DirectPaymentPayment,
    SurplusRecovery,
)
from casework.plans.episode_models import CrisisEpisode, EnablementEpisode, EnablementNote
from casework.plans.models import FinancialAssessment
from casework.plans.support_models import ServiceSuspension, SupportPlan, SupportService
from casework.referrals.models import Referral, ReferralAction
from casework.reviews.models import Review, ReviewRequest
from casework.risk.cohort_models import Cohort, CohortRow
from casework.risk.linking_models import MatchLabel, ReviewItem
from casework.risk.models import RiskFactor, RiskImport, RiskModel, RiskModelVersion, RiskSource, SourceRecord
from casework.safeguarding.models import SafeguardingConcern
from casework.subjectaccess.models import SubjectAccessRequest
from casework.tasks.models import Task
from casework.waiting_list.models import Escalation, Reprioritisation, WaitingListEntry
from tests.factories import RiskCategoryFactory

DAY = datetime.date(2016, 3, 1)
AT = datetime.datetime(2016, 3, 1, 10, tzinfo=datetime.UTC)


@dataclass
class Shared:
    """What the records refer to and nobody disposes of: forms, definitions, questionnaires, sources."""

    form_version: AssessmentFormVersion
    need: NeedDefinition
    questionnaire: RasQuestionnaire
    source: RiskSource
    risk_import: RiskImport
    cohorts: list[Cohort]
    category: Any


def shared(world) -> Shared:
    """Made once per world."""
    if not hasattr(world, "every_app"):
        world.every_app = _shared(world)
    return world.every_app


def _shared(world) -> Shared:
    assessment_forms_install_standard(user=world.org_admin, organisation_id=world.county.pk)
    initiative = world.initiative
    source = RiskSource.objects.create(
        initiative=initiative, name="Council tax", owner="Revenues", lawful_basis="Public task",
        file_format="savvi_csv",
    )  # fmt: skip
    category = RiskCategoryFactory(initiative=initiative, code="high", label="High", rank=1)
    model = RiskModel.objects.create(initiative=initiative, name="Winter")
    version = RiskModelVersion.objects.create(
        model=model, number=1, purpose="Winter", legal_basis="Care Act s.2", area="Wessex"
    )
    return Shared(
        form_version=AssessmentFormVersion.objects.filter(form__organisation=world.county).first(),
        need=NeedDefinition.objects.create(
            initiative=initiative, code="food", name="Access to food", category="food_and_shopping"
        ),
        questionnaire=RasQuestionnaire.objects.create(organisation=world.county),
        source=source,
        risk_import=RiskImport.objects.create(
            source=source, file_name="x.csv", file_sha256="0" * 64, status="done"
        ),
        cohorts=[Cohort.objects.create(initiative=initiative, model_version=version) for _ in range(5)],
        category=category,
    )


def fill_case(world, case, s: Shared, n: int = 1) -> None:
    """`n` records of every kind that an app keeps on the case."""
    county, user = world.county, world.practitioner
    current = AdvocacyDecision.objects.create(
        case=case, activity="assessment", difficulty_understanding=False, difficulty_retaining=False,
        difficulty_using_or_weighing=False, difficulty_communicating=False, appropriate_person=False,
    )  # fmt: skip
    for i in range(n):
        # The first of each kind is current (or open); the others are earlier versions (or closed).
        was = {"superseded_at": AT} if i else {}
        assessment = Assessment.objects.create(
            case=case, organisation=county, form_version=s.form_version, method="phone", started_at=AT
        )
        need = Need.objects.create(case=case, definition=s.need, assessment=assessment, status_changed_at=AT)
        NeedStatusChange.objects.create(need=need, to_status="identified", changed_at=AT)
        old = AdvocacyDecision.objects.create(
            case=case, activity="assessment", difficulty_understanding=False, difficulty_retaining=False,
            difficulty_using_or_weighing=False, difficulty_communicating=False, appropriate_person=False,
            superseded_at=AT,
        )  # fmt: skip
        AdvocacyDecision.objects.filter(pk=old.pk).update(superseded_by=current)
        PreventionRecord.objects.create(case=case, why_not_enough="Reablement ended", **was)
        FinancialInformationRecord.objects.create(case=case, method="leaflet", given_on=DAY, **was)
        EligibilityDetermination.objects.create(
            case=case, kind="adult", condition_1=True, significant_impact_on_wellbeing=True,
            computed_eligible=True, confirmed_eligible=True, reason="Assessed at home", **was,
        )  # fmt: skip
        consent = ConsentRecord.objects.create(
            case=case, person=case.person, organisation=county, kind="consent", given_by="person",
            purpose="Share with the food bank", given_on=DAY,
        )  # fmt: skip
        referral = Referral.objects.create(
            reference=f"R{case.pk}-{i}", case=case, initiative=world.initiative,
            referring_organisation=county, delivery_organisation=world.district, basis=consent, sent_at=AT,
            sent_by=user,
        )  # fmt: skip
        ReferralAction.objects.create(
            referral=referral, occurred_on=DAY, description="Parcel delivered", organisation=world.district,
            recorded_at=AT, recorded_by=user,
        )  # fmt: skip
        SafeguardingConcern.objects.create(
            organisation=county, raised_by_organisation=county, person=case.person, case=case,
            at_risk="adult",
            what_happened="Bruises", immediate_danger=False, routing="no_team", routed_to_organisation=county,
            raised_at=AT, referral=referral,
        )  # fmt: skip
        entry = WaitingListEntry.objects.create(
            case=case, organisation=county, list_kind="assessment", priority="normal", rag="green",
            rag_reason="Managing", received_on=DAY, due_on=DAY, triaged_by=user, triaged_at=AT,
            **({"exited_on": DAY, "exit_reason": "assessed"} if i else {}),
        )  # fmt: skip
        task = Task.objects.create(
            organisation=county, case=case, person=case.person, title="Call back", due_date=DAY,
            assigned_to_user=user,
        )  # fmt: skip
        Reprioritisation.objects.create(
            entry=entry, trigger="manual", reason="Worse", old_priority="normal", new_priority="urgent",
            old_rag="green", new_rag="red", old_due_on=DAY, new_due_on=DAY, changed_at=AT, changed_by=user,
        )  # fmt: skip
        Escalation.objects.create(entry=entry, level=1, breached_due_on=DAY, raised_at=AT, task=task)
        plan = SupportPlan.objects.create(
            case=case,
            number=i + 1,
            outcomes="Stay at home",
            needs="Meals",
            budget_management="council_managed",
            status="superseded" if i else "draft",
        )
        service = SupportService.objects.create(
            plan=plan, reference=f"S{case.pk}-{i}", service_type="Home care", frequency="weekly",
            units=Decimal(7), unit_cost=Decimal(25), starts_on=DAY, provider_organisation=county,
        )  # fmt: skip
        ServiceSuspension.objects.create(service=service, reason="hospital_admission", starts_on=DAY)
        agreement = DirectPaymentAgreement.objects.create(
            case=case, support_plan=plan, recipient="person", weekly_amount=Decimal(100),
            contribution_basis="net", frequency="four_weekly", account_type="prepaid_card", starts_on=DAY,
            status="ended" if i else "draft",
        )  # fmt: skip
        DirectPaymentPayment.objects.create(
            agreement=agreement, due_on=DAY, period_ends=DAY, amount=Decimal(400)
        )
        audit_return = DirectPaymentAuditReturn.objects.create(
            agreement=agreement, period_starts=DAY, period_ends=DAY, spent=Decimal(300),
            balance_held=Decimal(100), contingency_allowed=Decimal(50),
        )  # fmt: skip
        SurplusRecovery.objects.create(audit_return=audit_return, amount=Decimal(50))
        earlier = FinancialAssessment.objects.create(case=case, started_on=DAY, due_on=DAY, superseded_at=AT)
        financial = FinancialAssessment.objects.create(case=case, started_on=DAY, due_on=DAY, **was)
        FinancialAssessment.objects.filter(pk=earlier.pk).update(superseded_by=financial)
        indicative = IndicativeBudget.objects.create(
            case=case, questionnaire=s.questionnaire, points=10, weekly_amount=Decimal(100), **was
        )
        budget = PersonalBudget.objects.create(
            case=case, indicative=indicative, financial_assessment=financial, weekly_cost=Decimal(100),
            council_pays_weekly=Decimal(80), annual_cost=Decimal(5200), difference_weekly=Decimal(0), **was,
        )  # fmt: skip
        BudgetApproval.objects.create(
            budget=budget, user=world.team_manager, role="team_manager", annual_cost=Decimal(5200),
            decision="passed_up", decided_at=AT,
        )  # fmt: skip
        crisis = CrisisEpisode.objects.create(
            case=case, requested_at=AT, response_started_at=AT, responded_by="Rapid response"
        )
        episode = EnablementEpisode.objects.create(
            case=case,
            crisis_episode=crisis,
            referral_source="community",
            started_on=DAY,
            planned_end_on=DAY,
            **({"ended_on": DAY, "outcome": "no_ongoing_needs"} if i else {}),
        )
        EnablementNote.objects.create(episode=episode, week_starting=DAY, progress="Walking to the shop")
        review = Review.objects.create(
            case=case,
            kind="requested",
            reason="unplanned_carer",
            due_on=DAY,
            plan=plan,
            revised_plan=plan,
            status="cancelled" if i else "due",
        )
        ReviewRequest.objects.create(
            case=case, requested_by="carer", reason="unplanned_carer", received_on=DAY, review=review,
            waiting_entry=entry, task=task,
        )  # fmt: skip


def fill_person(world, person, s: Shared, n: int = 1) -> None:
    """`n` records of every kind that an app keeps about a person with no case."""
    county = world.county
    for i in range(n):
        SafeguardingConcern.objects.create(
            organisation=county, raised_by_organisation=county, person=person, at_risk="adult",
            what_happened="Neighbour worried", immediate_danger=False, routing="no_team",
            routed_to_organisation=county, raised_at=AT,
        )  # fmt: skip
        Task.objects.create(
            organisation=county,
            person=person,
            title="Ring back",
            due_date=DAY,
            assigned_to_user=world.practitioner,
        )
        record = SourceRecord.objects.create(
            risk_import=s.risk_import, source=s.source, initiative=world.initiative, line=i + 1,
            person_reference=f"P{person.pk}-{i}", resolution="linked", person=person,
        )  # fmt: skip
        RiskFactor.objects.create(
            record=record, source=s.source, risk_import=s.risk_import, attribute_type="risk",
            scheme="council_tax_reduction", term="arrears", line=i + 1,
        )  # fmt: skip
        item = ReviewItem.objects.create(
            initiative=world.initiative, record=record, candidate_person=person, probability=0.8
        )
        MatchLabel.objects.create(
            review_item=item, record=record, person=person, is_match=True, probability=0.8,
            decided_by=world.practitioner, decided_at=AT,
        )  # fmt: skip
        CohortRow.objects.create(cohort=s.cohorts[i], person=person, category=s.category, explanation="R3")


# What the records above leave in each table (the models retention must empty).
CASE_MODELS = [
    Assessment, Need, NeedStatusChange, AdvocacyDecision, PreventionRecord, FinancialInformationRecord,
    EligibilityDetermination, ConsentRecord, Referral, ReferralAction, SafeguardingConcern, WaitingListEntry,
    Reprioritisation, Escalation, Task, SupportPlan, SupportService, ServiceSuspension,
    DirectPaymentAgreement, DirectPaymentPayment, DirectPaymentAuditReturn, SurplusRecovery,
    FinancialAssessment, IndicativeBudget,
    PersonalBudget, BudgetApproval, CrisisEpisode, EnablementEpisode, EnablementNote, Review, ReviewRequest,
]  # fmt: skip
PERSON_MODELS = [SafeguardingConcern, Task, SourceRecord, RiskFactor, ReviewItem, MatchLabel, CohortRow]


def subject_access_request(world, person) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.create(
        organisation=world.county, person=person, requester_name="Margaret", requested="Everything",
        received_on=DAY,
    )  # fmt: skip
