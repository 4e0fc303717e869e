"""One county world with a record of every kind a page or API operation names by id, made through the
services.

Two people of the county each get the whole set: an ordinary person, and a restricted person on whom only
world.practitioner (and the colleague who works the case with her) is named. `records` maps each kind to the
id the routes take; what each kind is, and which route parameter names it, is in test_persona_matrix.KINDS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from casework.allocation import services as allocation
from casework.assessments import services as assessments
from casework.careact import services as careact
from casework.careact.tests.steps import record_ready_for_support
from casework.cases import services as cases
from casework.consent import services as consent
from casework.contacts import services as contacts
from casework.core import clock
from casework.directory.tests.conftest import import_documents, needs_taxonomy_record, service_record, uid
from casework.letters import services as letters
from casework.people import services as people
from casework.people.models import BreakGlassGrant
from casework.plans import episode_services as episodes
from casework.plans.tests.steps import record_financial_assessment_started
from casework.referrals import services as referrals
from casework.safeguarding import services as safeguarding
from casework.tasks.models import Task
from casework.waiting_list import services as waiting
from conftest import build_world
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganisationFactory,
    RiskCategoryFactory,
    UserFactory,
)


@dataclass(frozen=True)
class PersonalData:
    """What identifies one person, each as every form a page or the API may write it in."""

    facets: dict[str, tuple[str, ...]]

    def found_in(self, text: str) -> dict[str, str]:
        """The facets (name, nhs_number, ...) of which some form is in the text, with the form found."""
        lowered = text.lower()
        found = {}
        for facet, forms in self.facets.items():
            for form in forms:
                if form.lower() in lowered:
                    found[facet] = form
                    break
        return found


def _personal_data(
    *,
    given: str,
    family: str,
    nhs: str,
    dob: datetime.date,
    postcode: str,
    phone: str,
    email: str,
    address: str,
) -> PersonalData:
    compact_phone = phone.replace(" ", "")
    return PersonalData(
        facets={
            # The family names are made up to be unlike any word a page has; the given name alone is not
            # enough.
            "name": (family,),
            "nhs_number": (nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"),
            "date_of_birth": (
                dob.isoformat(),
                f"{dob.day} {dob:%B %Y}",
                f"{dob:%d/%m/%Y}",
                f"{dob.day} {dob:%b %Y}",
            ),
            "postcode": (postcode, postcode.replace(" ", "")),
            "phone": (phone, compact_phone),
            "email": (email,),
            "address": (address,),
        }
    )


PEOPLE = {
    "plain": {
        "given_name": "Rosamund",
        "family_name": "Quillfeather",
        "nhs_number": "9992048174",
        "date_of_birth": datetime.date(1941, 3, 12),
        "postcode": "RG40 9QX",
        "phone": "01632 960 417",
        "email": "r.quillfeather@example.com",
        "address_line_1": "Snowdrop Cottage",
        "town": "Kingsbere",
    },
    "restricted": {
        "given_name": "Ottoline",
        "family_name": "Brackenwhistle",
        "nhs_number": "9993715263",
        "date_of_birth": datetime.date(1958, 11, 4),
        "postcode": "RG41 7JW",
        "phone": "01632 960 882",
        "email": "o.brackenwhistle@example.com",
        "address_line_1": "Larkspur Mews",
        "town": "Kingsbere",
    },
}


@dataclass
class Subject:
    """One person of the county and the id of each kind of record about them."""

    person: object
    personal_data: PersonalData
    records: dict[str, object] = field(default_factory=dict)


def _person(w, data: dict) -> object:
    return people.person_create(user=w.practitioner, confirmed_new=True, data={**data, "sex": "female"})


def _subject(w, key: str, risk, food_need, debt_need, forms, debt_advice) -> Subject:
    data = PEOPLE[key]
    person = _person(w, data)
    if key == "restricted":
        people.person_set_restricted(
            user=w.team_manager, person=person, restricted=True, reason="Lives with the person she fears"
        )
        people.restricted_access_grant(user=w.team_manager, person=person, grantee=w.practitioner)
        people.restricted_access_grant(user=w.team_manager, person=person, grantee=w.colleague)
    subject = Subject(
        person=person,
        personal_data=_personal_data(
            given=data["given_name"],
            family=data["family_name"],
            nhs=data["nhs_number"],
            dob=data["date_of_birth"],
            postcode=data["postcode"],
            phone=data["phone"],
            email=data["email"],
            address=data["address_line_1"],
        ),
    )
    r = subject.records
    r["person"] = person.pk

    # Named as the page names a household made for the person (never after a restricted person).
    household = people.household_create(
        user=w.practitioner,
        data={
            "name": people.household_name_for(person),
            "address_line_1": data["address_line_1"],
            "town": data["town"],
            "postcode": data["postcode"],
        },
    )
    people.household_move_person(user=w.practitioner, person=person, household=household, role="head")
    r["household"] = household.pk
    relative = _person(
        w, {"given_name": "Tamsin", "family_name": f"Relative of {key}", "postcode": data["postcode"]}
    )
    r["relationship"] = people.relationship_create(
        user=w.practitioner, person=person, related_person=relative, kind="child", description="Daughter"
    ).pk

    case = allocation.case_accept(user=w.practitioner, case=CaseFactory(person=person, risk_category=risk))
    r["case"] = case.pk
    cases.case_add_worker(user=w.practitioner, case=case, worker=w.colleague)
    r["colleague"] = w.colleague.pk

    # Care Act: advocacy for an assessment not needed (so it may start); for a review, an advocate is needed.
    from casework.careact.tests.steps import record_no_advocacy_needed

    record_no_advocacy_needed(user=w.practitioner, case=case)
    r["advocacy_decision"] = careact.advocacy_decision_record(
        user=w.practitioner,
        case=case,
        activity="review",
        difficulty_understanding=True,
        difficulty_retaining=False,
        difficulty_using_or_weighing=False,
        difficulty_communicating=False,
        appropriate_person=False,
        referral_to="Wessex Advocacy Hub",
        referral_on=clock.today(),
    ).pk
    record_ready_for_support(user=w.practitioner, case=case)
    # A financial assessment in progress (so its form opens for the one who works on the case): started above
    # (Planning warns without one).
    r["financial_assessment"] = record_financial_assessment_started(user=w.practitioner, case=case).pk
    # An open crisis episode and an open enablement episode (so their forms open for the case's workers).
    r["crisis_episode"] = episodes.crisis_episode_record(
        user=w.practitioner,
        case=case,
        requested_at=clock.now() - datetime.timedelta(hours=3),
        response_started_at=clock.now() - datetime.timedelta(hours=1),
        responded_by="Rapid response team",
    ).pk
    r["enablement_episode"] = episodes.enablement_episode_start(
        user=w.practitioner,
        case=case,
        referral_source="community",
        started_on=clock.today(),
        planned_end_on=clock.today(),
        goals=["Make my own breakfast"],
    ).pk

    assessment = assessments.assessment_start(
        user=w.practitioner, case=case, form=forms["needs_check"], method="phone"
    )
    assessment = assessments.assessment_save(
        user=w.practitioner,
        assessment=assessment,
        version=assessment.version,
        answers={"how_are_you": "Struggling", "feels_safe": True, "food": False, "money": True},
        situation="Not eating well",
        response="Food parcels",
        privacy_notice_given=True,
        complete=True,
    )
    r["assessment"] = assessment.pk
    need = assessments.need_record(
        user=w.practitioner,
        case=case,
        definition=debt_need,
        note="Owes the energy firm",
        assessment=assessment,
    )
    assessments.need_record(user=w.practitioner, case=case, definition=food_need, assessment=assessment)
    r["need"] = need.pk

    basis = consent.consent_record(
        user=w.practitioner,
        case=case,
        kind="consent",
        given_by="person",
        purpose="To arrange debt advice",
        organisation_ids=[debt_advice.pk],
        data_categories=["contact_details", "needs"],
        given_on=clock.today() - datetime.timedelta(days=3),
    )
    r["consent"] = basis.pk
    need.refresh_from_db()
    r["referral"] = referrals.referral_make(
        user=w.practitioner,
        case=case,
        delivery_organisation=debt_advice,
        needs=[need],
        basis=basis,
        circumstances="Lives alone",
        instructions="Phone first",
    ).pk

    r["waiting_list_entry"] = waiting.waiting_list_add(
        user=w.practitioner,
        case=case,
        list_kind="service",
        priority="urgent",
        rag="amber",
        rag_reason="Lives alone",
    ).pk
    r["letter"] = letters.letter_send(kind="invite_contact", case=case, effect_key=f"matrix:{key}").pk

    contacts.contact_record(
        user=w.practitioner,
        case=case,
        occurred_at=clock.now(),
        direction="inbound",
        method="phone",
        contact_role="person",
        outcome="reached",
        advice_given="Told her about the warm home discount",
    )
    r["task"] = Task.objects.get(case=case, kind="advice_check").pk
    r["message"] = contacts.message_send(
        user=w.colleague, to_user=w.practitioner, case=case, body="She rang back"
    ).pk
    r["concern"] = safeguarding.concern_raise(
        user=w.practitioner,
        person=person,
        case=case,
        at_risk="adult",
        what_happened="Bruising seen",
        immediate_danger=False,
    ).pk
    # A subject access request made to the county (made directly: the restricted person's names no auditor).
    from casework.subjectaccess.models import SubjectAccessRequest

    r["subject_access_request"] = SubjectAccessRequest.objects.create(
        organisation=w.county,
        person=person,
        requester_name=data["given_name"],
        requested="Everything you hold about me",
        received_on=clock.today(),
    ).pk
    if key == "plain":
        # A county duty officer's break-glass grant, as the service would make it for someone without a
        # relationship (a county user always has one with a county person, so the service would refuse).
        now = clock.now()
        r["break_glass_grant"] = BreakGlassGrant.objects.create(
            person=person,
            user=w.duty_officer,
            organisation=w.county,
            reason="Called about a fall at night",
            opened_at=now - datetime.timedelta(days=2),
            expires_at=now - datetime.timedelta(days=1),
        ).pk
    return subject


def build_matrix_world():
    """The root conftest's world, a record of every kind about each of two county people, and the county's
    own configuration (an allocation rule, a need definition, assessment forms, letter templates) and one
    directory service. Returns the world with `.subjects` ({"plain": Subject, "restricted": Subject}) and
    `.shared` (ids of what is not about a person)."""
    w = build_world()
    w.colleague = UserFactory(username="county_colleague")
    MembershipFactory(user=w.colleague, organisation=w.county, role="practitioner", team=w.team)
    MembershipFactory(
        user=UserFactory(username="safeguarding_lead"),
        organisation=w.county,
        role="practitioner",
        team=w.safeguarding_team,
    )
    debt_advice = OrganisationFactory(name="Test Debt Advice", initiative=w.initiative, kinds=["delivery"])
    w.debt_advice = debt_advice
    risk = RiskCategoryFactory(initiative=w.initiative, code="high", label="High", rank=1)
    assessments.assessment_forms_install_standard(user=w.org_admin, organisation_id=w.county.pk)
    from casework.assessments.models import AssessmentForm

    forms = {f.code: f for f in AssessmentForm.objects.filter(organisation=w.county)}
    food = assessments.need_definition_create(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        code="food",
        name="Access to food",
        category="food_and_shopping",
    )
    debt = assessments.need_definition_create(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        code="debt_advice",
        name="Debt advice",
        category="money",
    )
    letters.letter_templates_install_standard(organisation_id=w.county.pk)
    from casework.letters.models import LetterTemplate

    import_documents(needs_taxonomy_record(), service_record(1, name="Kingsbere Lunch Club"))
    from casework.directory.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

    service = Service.objects.get(pk=uid("service", 1))
    rule = allocation.allocation_rule_save(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        data={"name": "High risk to the county", "organisation": w.county, "risk_categories": [risk]},
    )
    w.shared = {
        # A responsible organisation to transfer a case to (by its own id: sequences are not rolled back on
        # PostgreSQL, so an example id of 1 names whatever came first in the run).
        "responsible_organisation": w.district.pk,
        "allocation_rule": rule.pk,
        "need_definition": debt.pk,
        "assessment_form": forms["needs_check"].pk,
        "assessment_form_version": forms["needs_check"].versions.order_by("number").first().number,
        "letter_template": LetterTemplate.objects.filter(organisation=w.county).order_by("pk").first().pk,
        "directory_service": service.pk,
        "directory_service_at_location": ServiceAtLocation.objects.filter(service=service).first().pk,
        "directory_taxonomy": Taxonomy.objects.order_by("pk").first().pk,
        "directory_taxonomy_term": TaxonomyTerm.objects.order_by("pk").first().pk,
    }
    w.subjects = {key: _subject(w, key, risk, food, debt, forms, debt_advice) for key in PEOPLE}
    w.shared.update(_risk_records(w, risk))
    w.shared.update(_retention_records(w))
    return w


def _retention_records(w) -> dict[str, int]:
    """The county's own closed-case class, a legal hold on the ordinary person, and a finished dry run."""
    from casework.retention import services as retention
    from casework.retention.models import RecordClass

    default = RecordClass.objects.get(organisation__isnull=True, covers="closed_case")
    own = retention.record_class_change(
        user=w.org_admin, organisation_id=w.county.pk, record_class=default, version=default.version,
        name="Case records", period=6, period_unit="years", action="destroy", reason="CASE+6",
    )  # fmt: skip
    hold = retention.hold_place(
        user=w.auditor, organisation_id=w.county.pk, kind="person", identifier=str(w.person.pk),
        reason="inquiry", reference="COVID-19 Inquiry",
    )  # fmt: skip
    run = retention.dry_run_start(user=w.auditor, organisation_id=w.county.pk, queue=False)
    retention.dry_run_execute(run_id=run.pk)
    return {"record_class": own.pk, "legal_hold": hold.pk, "retention_dry_run": run.pk}


def _risk_records(w, risk) -> dict[str, int]:
    """Identify's records: a source, an import of a file about the plain person (linked to her by NHS
    number), and a risk model version with a category and a factor."""
    import tempfile
    from pathlib import Path

    from casework.risk import services as risk_services

    source = risk_services.risk_source_create(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        data={"name": "Council tax reduction", "owner": "Revenues", "lawful_basis": "Public task",
              "file_format": "savvi_csv"},
    )  # fmt: skip
    plain = PEOPLE["plain"]
    row = ",".join([
        "CTR-1", plain["given_name"], plain["family_name"], plain["date_of_birth"].isoformat(),
        "100060009999", plain["postcode"], "Circumstance", "council_tax_reduction", "arrears",
        plain["nhs_number"],
    ])  # fmt: skip
    header = "PersonReference,GivenNames,FamilyName,BirthDate,UPRN,Postcode,AttributeType,AttributeScheme,"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "ctr.csv"
        path.write_text(f"{header}Attribute,NHSNumber\n{row}\nBAD,,,,,,,,,\n")
        risk_import, _ = risk_services.risk_import_file(user=w.initiative_admin, source=source, path=path)
    version = risk_services.risk_model_create(
        user=w.initiative_admin,
        initiative_id=w.initiative.pk,
        name="Winter",
        data={
            "purpose": "Find people at risk this winter",
            "legal_basis": "Care Act 2014 s.2",
            "area": "Test",
        },
    )
    category = risk_services.risk_model_category_add(
        user=w.initiative_admin, model_version=version, category_id=risk.pk, rank=1
    )
    factor = risk_services.risk_factor_definition_add(
        user=w.initiative_admin, model_version=version, scheme="nhs", term="shielded", label="Shielded"
    )
    linking_records = _linking_records(w, risk_import)
    cohort = _cohort(w, version, risk)
    # A rule of the version that has not run (added after the cohort's copy was made).
    rule = risk_services.risk_rule_add(
        user=w.initiative_admin, model_version=version, category_id=risk.pk, when={"factor": "nhs/shielded"}
    )
    return {
        **linking_records,
        "risk_cohort": cohort,
        "initiative": w.initiative.pk,
        "risk_source": source.pk,
        "risk_import": risk_import.pk,
        "risk_model_version": version.pk,
        "risk_model_category": category.pk,
        "risk_factor_definition": factor.pk,
        "risk_rule": rule.pk,
    }


def _cohort(w, version, risk) -> int:
    """The cohort: a copy of the version with a rule (council tax arrears: High), run over the plain person's
    factor (the version itself stays changeable)."""
    from casework.risk import cohort_services
    from casework.risk import services as risk_services
    from casework.risk.models import RiskRule

    copy = risk_services.risk_model_version_copy(user=w.initiative_admin, model_version=version)
    RiskRule.objects.create(
        model_version=copy, rule_id="R1", category=risk, when={"factor": "council_tax_reduction/arrears"},
        description="council tax arrears", position=1,
    )  # fmt: skip
    cohort = cohort_services.cohort_start(user=w.initiative_admin, model_version=copy, queue=False)
    return cohort_services.cohort_generate(cohort_id=cohort.pk).pk


def _linking_records(w, risk_import) -> dict[str, int]:
    """Record linkage's records: an approved matching model, a queued run of the import, the plain person's
    linked record (to undo), and a pair in the review queue pairing a second record with her."""
    import json
    from pathlib import Path

    import casework.risk
    from casework.risk import linking
    from casework.risk.linking_models import ReviewItem
    from casework.risk.models import SourceRecord

    trained = Path(casework.risk.__file__).parent / "tests" / "fixtures" / "matching_model.json"
    model = linking.matching_model_register(
        user=w.initiative_admin, initiative_id=w.initiative.pk, model=json.loads(trained.read_text())
    )
    linking.matching_model_approve(user=w.initiative_admin, matching_model=model)
    run, _ = linking.matching_run_start(user=w.initiative_admin, risk_import=risk_import, queue=False)
    linked = SourceRecord.objects.get(risk_import=risk_import, resolution="linked")
    plain = PEOPLE["plain"]
    other = SourceRecord.objects.create(
        risk_import=risk_import, source=risk_import.source, initiative=w.initiative, line=99,
        person_reference="CTR-2", given_names=plain["given_name"], family_name=plain["family_name"],
        postcode=plain["postcode"], resolution="in_review",
    )  # fmt: skip
    item = ReviewItem.objects.create(
        run=run, initiative=w.initiative, record=other, candidate_person_id=linked.person_id, probability=0.9,
        waterfall=[{"comparison": "prior", "level": "two records picked at random", "match_weight": -10.0},
                   {"comparison": "family_name", "level": "exact", "match_weight": 12.0}],
    )  # fmt: skip
    return {
        "risk_matching_model": model.pk,
        "risk_matching_run": run.pk,
        "risk_source_record": linked.pk,
        "risk_review_item": item.pk,
    }
