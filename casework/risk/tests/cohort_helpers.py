"""A small Identify world for the cohort: matched people with factors, and a risk model version with rules."""

from __future__ import annotations

import datetime

from casework.risk import services
from casework.risk.models import RiskFactor, RiskImport, RiskRule, SourceRecord
from tests.factories import PersonFactory, RiskCategoryFactory

TEXT = {
    "purpose": "Find older people at risk this winter",
    "legal_basis": "Care Act 2014 s.2",
    "area": "Wessex",
}


def cohort_model(w):
    """Version 1 of "Winter": High (R3 council tax arrears, R7 aged 75 or over), Medium (R5 shielded)."""
    w.high = RiskCategoryFactory(initiative=w.initiative, code="high", label="High", rank=1)
    w.medium = RiskCategoryFactory(initiative=w.initiative, code="medium", label="Medium", rank=2)
    version = services.risk_model_create(
        user=w.risk_analyst, initiative_id=w.initiative.pk, name="Winter", data=TEXT
    )
    for rank, category in ((1, w.high), (2, w.medium)):
        services.risk_model_category_add(
            user=w.risk_analyst, model_version=version, category_id=category.pk, rank=rank
        )
    rules = [
        ("R3", w.high, {"factor": "council_tax_reduction/arrears"}, "council tax arrears"),
        ("R5", w.medium, {"factor": "nhs/shielded"}, "on the shielded list"),
        ("R7", w.high, {"all": [{"factor": "nhs/shielded"}, {"age_at_least": 75}]}, "aged 75 or over"),
    ]
    for position, (rule_id, category, when, description) in enumerate(rules, 1):
        RiskRule.objects.create(
            model_version=version, rule_id=rule_id, category=category, when=when,
            description=description, position=position,
        )  # fmt: skip
    return version


def matched_people(w, source):
    """Four people, each matched, with factors: arrears (RG40), shielded aged 80 (RG41), shielded aged 40
    (RG40), and a housing-benefit claimant whom no rule picks out."""
    risk_import = RiskImport.objects.create(
        source=source,
        file_name="x.csv",
        file_sha256="0" * 64,
        status="done",
        extracted_on=datetime.date(2026, 11, 1),
    )
    people = {
        key: (
            # Names nothing else on a page uses, so a test can say one is (or is not) shown.
            PersonFactory(
                created_by_organisation=w.county,
                postcode=postcode,
                date_of_birth=born,
                family_name=f"Cohortperson{key.capitalize()}",
            ),
            codes,
        )
        for key, postcode, born, codes in (
            ("arrears", "RG40 1AA", datetime.date(1980, 1, 1), ["council_tax_reduction/arrears"]),
            ("old", "RG41 2BB", datetime.date(1946, 1, 1), ["nhs/shielded"]),
            ("young", "RG40 3CC", datetime.date(1986, 1, 1), ["nhs/shielded"]),
            ("none", "RG40 1AA", datetime.date(1990, 1, 1), ["housing_benefit/claimant"]),
        )
    }
    for line, (key, (person, codes)) in enumerate(people.items(), 1):
        record = SourceRecord.objects.create(
            risk_import=risk_import, source=source, initiative=w.initiative, line=line,
            person_reference=key, resolution="linked", person=person,
        )  # fmt: skip
        for code in codes:
            scheme, term = code.split("/")
            RiskFactor.objects.create(
                record=record, source=source, risk_import=risk_import, attribute_type="risk", scheme=scheme,
                term=term, extracted_on=datetime.date(2026, 11, 1), line=line,
            )  # fmt: skip
    return {key: person for key, (person, _codes) in people.items()}
