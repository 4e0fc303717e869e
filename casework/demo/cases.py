"""Demo cases: risk categories, named areas, allocation rules and about 150 cases with real histories.

Every case is made through the same services as the pages, with the clock moved into the past, so each one
has a true timeline in the audit trail (raised, allocated, accepted, stages, holds, closures) and every record
on it carries the time of its step. A stage is moved on from only once its work is done (_StageWork): a
conversation with the person, an assessment and the needs it found, the needs planned, then supported,
a review.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from casework.accounts.models import Initiative, Organisation, User
from casework.allocation import services as allocation
from casework.allocation.models import NamedArea
from casework.assessments import services as assessments
from casework.assessments.models import AssessmentForm, Need, NeedDefinition
from casework.cases import services as cases
from casework.cases.choices import CaseOrigin, Priority
from casework.cases.closing import case_close
from casework.cases.models import Case, RiskCategory
from casework.cases.policies import holding_organisation_id
from casework.contacts.models import ContactStrategy
from casework.contacts.services import contact_record
from casework.core import clock
from casework.core.errors import DomainError
from casework.demo import care_act
from casework.people.models import Person
from casework.plans import services as plans

RISK_CATEGORIES = [("high", "High", 1), ("medium", "Medium", 2), ("low", "Low", 3)]
NAMED_AREAS = {
    "Casterbridge and Sandbourne": ["RG1", "RG2", "RG4", "RG5", "RG6"],
    "Kingsbere and Weatherbury": ["RG40", "RG41", "RG42", "RG45"],
    "Shaston, Melchester and Anglebury": ["RG10", "RG12", "RG14"],
}
# How the demo's cases end up: (how many, the last step their history reaches).
PLAN = [
    (20, "intake"),
    (25, "awaiting_allocation"),
    (15, "contact"),
    (14, "assessment"),
    (10, "planning"),
    (10, "support"),
    (5, "review"),
    (5, "closing"),
    (10, "on_hold"),
    (26, "finished"),
    (10, "cancelled"),
]
WORK_PATH = ["contact", "assessment", "planning", "support", "review", "closing"]
ORIGIN_WEIGHTS = {
    CaseOrigin.RISK_INDEX: 45,
    CaseOrigin.SELF_REFERRAL: 15,
    CaseOrigin.THIRD_PARTY_CONCERN: 15,
    CaseOrigin.PROFESSIONAL_REFERRAL: 12,
    CaseOrigin.HOSPITAL_DISCHARGE: 8,
    CaseOrigin.REVIEW: 5,
}
SUMMARIES = [
    "Identified on the cost-of-living risk index: fuel debt and prepayment meter.",
    "Lives alone; neighbour worried that she has not been seen for a week.",
    "Discharged from hospital after a fall; needs help with shopping and meals.",
    "Rent arrears and an eviction notice; asks for help with benefits.",
    "Carer for his wife with dementia, finding it hard to cope.",
    "Called the council asking for help with bathing and getting upstairs.",
    "GP surgery referral: low mood, isolated, missed appointments.",
    "Councillor raised a concern about damp and cold in the home.",
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def build_cases(
    *, initiative: Initiative, organisations: dict[str, Organisation], rng: random.Random, total: int = 150
) -> dict[str, int]:
    """Configure allocation for the initiative and build about `total` cases across every status and stage."""
    admin, duty, manager = _user("initiativeadmin"), _user("duty"), _user("manager")
    county_workers = [_user("worker"), _user("worker2")]
    partner_worker = {
        organisations["district"].pk: _user("kingsbere.housing"),
        organisations["housing"].pk: _user("partner"),
        organisations["charity"].pk: _user("trust.support"),
    }
    risks = {
        code: RiskCategory.objects.create(initiative=initiative, code=code, label=label, rank=rank)
        for code, label, rank in RISK_CATEGORIES
    }
    for code, method, guidance in [
        ("high", "home_visit", "Visit within two working days; go in pairs if there is a known risk."),
        ("medium", "phone", "Phone at different times of day; leave a message with a call-back number."),
        ("low", "letter", "Send the letter inviting the person to make contact."),
    ]:
        ContactStrategy.objects.create(
            initiative=initiative, risk_category=risks[code], method=method, guidance=guidance
        )
    for name, districts in NAMED_AREAS.items():
        NamedArea.objects.create(initiative=initiative, name=name, postcode_districts=districts)
    allocation.allocation_policy_set_fallback(
        user=admin, initiative_id=initiative.pk, organisation=organisations["county"]
    )
    for data in [
        {
            "name": "Keep with the organisation that already knows them",
            "use_existing_relationship": True,
            "recent_days": 180,
        },
        {
            "name": "High risk needs home visits from the county",
            "risk_categories": [risks["high"]],
            "required_capabilities": ["home_visits"],
            "organisation": organisations["county"],
        },
        {
            "name": "Medium risk in Kingsbere and Weatherbury: district council by phone",
            "risk_categories": [risks["medium"]],
            "areas": ["Kingsbere and Weatherbury"],
            "required_capabilities": ["phone"],
            "organisation": organisations["district"],
        },
        {
            "name": "Medium risk in Casterbridge and Sandbourne: housing association",
            "risk_categories": [risks["medium"]],
            "areas": ["Casterbridge and Sandbourne"],
            "organisation": organisations["housing"],
        },
        {
            "name": "Low risk: the community trust covering the area, by phone",
            "risk_categories": [risks["low"]],
            "required_capabilities": ["phone"],
        },
    ]:
        allocation.allocation_rule_save(user=admin, initiative_id=initiative.pk, data=data)

    people = list(
        Person.objects.filter(
            initiative=initiative, is_restricted=False, date_of_death__isnull=True
        ).order_by("pk")
    )
    rng.shuffle(people)
    now = timezone.now()
    counts: dict[str, int] = {}
    made = 0
    scale = total / sum(n for n, _ in PLAN)
    for how_many, reaches in PLAN:
        for _ in range(max(1, round(how_many * scale))):
            person = people[made % len(people)]
            made += 1
            days_ago = {"intake": 3, "awaiting_allocation": 45}.get(reaches, 200)
            start = now - datetime.timedelta(days=rng.randint(1, days_ago), hours=rng.randint(0, 8))
            _build_one(
                person=person,
                reaches=reaches,
                start=start,
                rng=rng,
                risks=risks,
                duty=duty,
                admin=admin,
                manager=manager,
                county_workers=county_workers,
                partner_worker=partner_worker,
                county=organisations["county"],
            )
            counts[reaches] = counts.get(reaches, 0) + 1
    return {"cases": Case.objects.filter(initiative=initiative).count(), **counts}


def _build_one(
    *, person, reaches, start, rng, risks, duty, admin, manager, county_workers, partner_worker, county
) -> None:
    moment = start

    def later(low_days: float = 0.5, high_days: float = 6) -> datetime.datetime:
        nonlocal moment
        moment = min(
            moment + datetime.timedelta(hours=rng.uniform(low_days * 24, high_days * 24)),
            timezone.now() - datetime.timedelta(minutes=5),
        )
        return moment

    origin = rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0]
    risk = rng.choices(list(risks.values()), weights=[25, 45, 30])[0]
    priority = rng.choices([Priority.URGENT, Priority.NORMAL, Priority.LOW], weights=[15, 65, 20])[0]
    with clock.frozen_at(moment):
        case = cases.case_raise(
            user=duty,
            person=person,
            origin=origin,
            risk_category=risk,
            priority=priority,
            summary=rng.choice(SUMMARIES),
        )
    if reaches == "intake":
        return
    if reaches == "cancelled" and rng.random() < 0.5:
        with clock.frozen_at(later(0.1, 2)):
            cases.case_change_status(
                user=manager,
                case=case,
                status="cancelled",
                reason="Raised twice by mistake: the person already has a case.",
            )
        return
    with clock.frozen_at(later(0.1, 2)):
        allocation.case_allocate(user=admin, case=case)
    if reaches == "awaiting_allocation":
        return
    worker = (
        rng.choice(county_workers)
        if case.responsible_organisation_id == county.pk
        else partner_worker[case.responsible_organisation_id]
    )
    # Before accepting, the worker tries to reach the person to arrange a visit: the scheduling log.
    for attempt in range(rng.choice([0, 1, 1, 2, 3])):
        at = later(0.1, 2)
        reached = attempt > 0 and rng.random() < 0.5
        with clock.frozen_at(at):
            contact_record(
                user=worker,
                case=case,
                occurred_at=at,
                direction="outbound",
                method=rng.choice(["phone", "phone", "home_visit", "letter"]),
                contact_role="worker",
                outcome="reached" if reached else rng.choice(["no_answer", "message_left"]),
                summary="Tried to arrange a first visit.",
                is_scheduling_attempt=True,
                next_attempt_at=None if reached else at + datetime.timedelta(days=2),
            )
        if reached:
            break
    with clock.frozen_at(later(0.5, 5)):
        if worker in county_workers and rng.random() < 0.4:
            allocation.case_assign_worker(user=manager, case=case, worker=worker)
        else:
            allocation.case_accept(user=worker, case=case)
    if case.responsible_organisation_id == county.pk and rng.random() < 0.25:
        other = next(w for w in county_workers if w != worker)
        with clock.frozen_at(later(0.1, 2)):
            cases.case_add_worker(user=worker, case=case, worker=other)
    if reaches == "cancelled":
        with clock.frozen_at(later()):
            cases.case_change_status(
                user=worker, case=case, status="cancelled", reason="The person declined any contact."
            )
        return
    # A finished case's outcome decides its path: no needs found closes after the assessment.
    outcome = (
        rng.choices(
            ["needs_met", "no_needs_found", "declined_support", "referred_elsewhere", "moved_away"],
            [8, 5, 3, 2, 1],
        )[0]
        if reaches == "finished"
        else None
    )
    target = {"on_hold": rng.choice(WORK_PATH[:4]), "finished": "closing"}.get(reaches, reaches)
    if outcome == "no_needs_found":
        target = "assessment"
    work = _StageWork(case=case, worker=worker, rng=rng, finds_needs=outcome != "no_needs_found")
    for stage in WORK_PATH[1 : WORK_PATH.index(target) + 1]:
        # First the work of the stage the case is leaving (a stage is complete only with its work done)...
        with clock.frozen_at(later(0.2, 4)):
            work.finish(case.stage)
        # ...then the Care Act steps the next stage needs (casework/careact): advocacy, eligibility,
        # prevention, charging.
        acknowledged: tuple[str, ...] = ()
        with clock.frozen_at(later(0.2, 3)):
            if stage == "assessment":
                care_act.record_before_assessment(case=case, worker=worker, manager=manager, rng=rng)
            elif stage == "planning":
                care_act.record_eligibility(case=case, worker=worker, rng=rng)
                # No surprise bills: a financial assessment starts before planning (plans/charging_gates.py).
                plans.financial_assessment_start(user=worker, case=case)
            elif stage == "support" and not care_act.record_before_support(case=case, worker=worker, rng=rng):
                acknowledged = ("financial_information_not_given",)
        with clock.frozen_at(later(1, 12)):
            try:
                cases.case_move_stage(user=worker, case=case, stage=stage, acknowledged=acknowledged)
            except DomainError:
                break
        if stage == "planning" and rng.random() < 0.2 and work.can_add_need():
            note = "Went back to add a need the person mentioned on the phone."
            with clock.frozen_at(later(0.2, 2)):
                cases.case_move_stage(user=worker, case=case, stage="assessment", note=note)
            with clock.frozen_at(later(0.1, 1)):
                work.add_need(note="Mentioned on the phone after the assessment.")
            with clock.frozen_at(later(0.2, 2)):
                cases.case_move_stage(user=worker, case=case, stage="planning")
    if reaches == "on_hold":
        with clock.frozen_at(later()):
            cases.case_change_status(
                user=worker,
                case=case,
                status="on_hold",
                reason=rng.choice(
                    ["Admitted to hospital.", "Away staying with family.", "Waiting for a housing decision."]
                ),
            )
    elif reaches == "finished":
        with clock.frozen_at(later(0.2, 4)):
            work.finish(case.stage)
            work.end_needs(outcome)
        with clock.frozen_at(later()):
            recontact = (
                clock.today() + datetime.timedelta(days=rng.choice([90, 180])) if rng.random() < 0.3 else None
            )
            case_close(
                user=worker,
                case=case,
                outcome=outcome,
                recontact_on=recontact,
                note="Closed in the demo history.",
            )


# What the person's assessment found: (needs by code, how they are, food ok, money worry, lonely, situation,
# response). The answers are the short needs check's (casework/assessments/standard_forms/needs_check.json).
FINDINGS = [
    (
        ["personal_care", "mobility"],
        "Struggling since the fall: cannot get upstairs or into the bath safely.",
        True,
        False,
        "sometimes",
        "Lives alone; since a fall cannot wash, dress or use the stairs safely without help.",
        "Help with personal care each morning, and an occupational therapy visit for equipment.",
    ),
    (
        ["fuel_poverty", "benefits_check"],
        "Keeping the heating off to save money; the prepayment meter runs out most weeks.",
        True,
        True,
        "sometimes",
        "On a low fixed income with fuel debt on a prepayment meter; the home is cold.",
        "A benefits check and help with the energy supplier's hardship fund.",
    ),
    (
        ["loneliness", "mental_health"],
        "Days go by without speaking to anyone; feeling low.",
        True,
        False,
        "often",
        "Isolated since bereavement, low mood, has stopped going out.",
        "Befriending and a referral to the talking therapies service.",
    ),
    (
        ["access_to_shopping", "food"],
        "Cannot carry shopping home any more; the cupboards get empty.",
        False,
        False,
        "sometimes",
        "Cannot get to the shops since losing mobility; short of food by the end of the week.",
        "Online shopping set up with a relative, and food parcels until then.",
    ),
    (
        ["housing", "debt_advice"],
        "Worried sick about the eviction notice.",
        True,
        True,
        "sometimes",
        "Rent arrears after a change in benefits; an eviction notice has been served.",
        "Debt advice and a housing options appointment to keep the tenancy.",
    ),
    (
        ["carer_support", "home_adaptations"],
        "Coping, just, looking after my husband; I am exhausted.",
        True,
        False,
        "sometimes",
        "Main carer for a partner with dementia; no breaks; the bathroom is no longer safe.",
        "A carer's assessment, respite, and adaptations to the bathroom.",
    ),
]
NO_NEEDS = (
    "Managing well with family nearby; no worries about money or food.",
    "Managing well with support from family; no needs for care and support found.",
    "Information given about who to contact if things change.",
)
# How the needs end when the case closes, by outcome.
NEEDS_END = {
    "needs_met": ("resolved", "Met: the support is in place and working."),
    "declined_support": ("no_longer_relevant", "The person declined the support offered."),
    "referred_elsewhere": ("no_longer_relevant", "Referred to another service, which now meets it."),
    "moved_away": ("no_longer_relevant", "Moved out of the area."),
}


class _StageWork:
    """The work each stage of a demo case needs before the case moves on, done as its worker would: a first
    conversation (contact), an assessment and the needs it found (assessment), the needs planned (planning)
    and supported (support), a review (review)."""

    def __init__(self, *, case, worker, rng: random.Random, finds_needs: bool):
        self.case, self.worker, self.rng, self.finds_needs = case, worker, rng, finds_needs
        self.finding = rng.choice(FINDINGS)
        self.assessment = None

    def finish(self, stage: str) -> None:
        getattr(self, f"_finish_{stage}", lambda: None)()

    def _finish_contact(self) -> None:
        at = clock.now()
        contact_record(
            user=self.worker,
            case=self.case,
            occurred_at=at,
            direction="outbound",
            method=self.rng.choice(["phone", "home_visit"]),
            contact_role="worker",
            outcome="reached",
            summary="First conversation with the person: talked through what is happening and agreed "
            "to assess their needs.",
        )

    def _finish_assessment(self) -> None:
        if self.assessment is not None:
            return  # assessed on an earlier visit to this stage
        form = AssessmentForm.objects.get(
            organisation_id=holding_organisation_id(self.case), code="needs_check"
        )
        codes, how, food, money, lonely, situation, response = (
            self.finding if self.finds_needs else ([], NO_NEEDS[0], True, False, "never", *NO_NEEDS[1:])
        )
        method = self.rng.choice(["phone", "face_to_face"])
        self.assessment = assessments.assessment_start(
            user=self.worker, case=self.case, form=form, method=method
        )
        assessments.assessment_save(
            user=self.worker,
            assessment=self.assessment,
            version=self.assessment.version,
            answers={"how_are_you": how, "feels_safe": True, "food": food, "money": money, "lonely": lonely},
            situation=situation,
            response=response,
            privacy_notice_given=True,
            complete=True,
        )
        for code in codes:
            self.add_need(code=code, assessment=self.assessment)

    def _definitions(self) -> dict[str, NeedDefinition]:
        return {d.code: d for d in NeedDefinition.objects.filter(initiative_id=self.case.initiative_id)}

    def can_add_need(self) -> bool:
        return self.finds_needs and self.assessment is not None

    def add_need(self, *, code: str | None = None, assessment=None, note: str = "") -> None:
        definitions = self._definitions()
        if code is None:
            recorded = set(Need.objects.filter(case=self.case).values_list("definition__code", flat=True))
            code = self.rng.choice(sorted(set(definitions) - recorded))
        assessments.need_record(
            user=self.worker, case=self.case, definition=definitions[code], assessment=assessment, note=note
        )

    def _move_needs(self, status: str, note: str, *, among: tuple[str, ...]) -> None:
        for need in Need.objects.filter(case=self.case, status__in=among).order_by("pk"):
            assessments.need_update(
                user=self.worker, need=need, version=need.version, status=status, note=note
            )

    def _finish_planning(self) -> None:
        self._move_needs("planned", "Agreed with the person in the support plan.", among=("identified",))

    def _finish_support(self) -> None:
        self._move_needs("being_managed", "Support started.", among=("identified", "planned"))

    def _finish_review(self) -> None:
        cases.case_add_note(
            user=self.worker,
            case=self.case,
            text="Reviewed with the person: the support is working and they are happy with it.",
        )

    def end_needs(self, outcome: str) -> None:
        if outcome in NEEDS_END:
            status, note = NEEDS_END[outcome]
            self._move_needs(status, note, among=("identified", "planned", "being_managed"))
