"""Demo Identify (SAVVI): the lead's risk analyst has registered two sources, imported a file from each,
approved a matching model, made a risk model with its rules, run it (the cohort) and raised the highest
category's cases from it, so that the tour can open the imports, the records waiting to be matched, the model,
the cohort and the cases it raised.

The files are written from the demo's own people (made up), in each source's own shape: the council tax
reduction extract in the SAVVI attribute CSV, the GP practices' frailty list as a council extract through a
saved column mapping. Some rows carry what real extracts carry (a name spelt another way, no NHS number, a
bad row): the import reports the bad rows, links the rows with an NHS number, and leaves the rest for
matching."""

from __future__ import annotations

import csv
import datetime
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from casework.accounts.models import Initiative, User
from casework.cases.models import RiskCategory
from casework.core import clock
from casework.people.models import Person
from casework.risk import cohort_services, linking, services

DATA = Path(__file__).parent / "data"
CTR_SOURCE = "Council tax reduction (Wessex revenues and benefits)"
FRAILTY_SOURCE = "GP practices' frailty register"
FRAILTY_MAPPING = {
    "person_reference": "patient_id",
    "given_names": "first_name",
    "family_name": "last_name",
    "birth_date": "date_of_birth",
    "nhs_number": "nhs_number",
    "postcode": "postcode",
    "attribute": "frailty",
    "attribute_date": "assessed_on",
}
# The factors the demo's risk model weighs, with what each means in plain English.
FACTORS = [
    ("council_tax_reduction", "arrears", "Council tax arrears"),
    ("council_tax_reduction", "single_person_discount", "Lives alone (single person discount)"),
    ("frailty", "severe", "Severe frailty (electronic frailty index)"),
    ("frailty", "moderate", "Moderate frailty (electronic frailty index)"),
]
# The model's rules: (category code, condition, plain English). Made through risk_rule_add, so they get the
# model's stable ids R1, R2, ... in this order.
RULES = [
    (
        "high",
        {"all": [{"factor": "frailty/severe"}, {"factor": "council_tax_reduction/arrears"}]},
        "severe frailty and council tax arrears",
    ),
    (
        "high",
        {"all": [{"factor": "frailty/severe"}, {"age_at_least": 85}]},
        "severe frailty, aged 85 or over",
    ),
    (
        "medium",
        {
            "all": [
                {"factor": "council_tax_reduction/arrears"},
                {"factor": "council_tax_reduction/single_person_discount"},
            ]
        },
        "council tax arrears and lives alone",
    ),
    (
        "medium",
        {"all": [{"factor": "frailty/moderate"}, {"age_at_least": 80}]},
        "moderate frailty, aged 80 or over",
    ),
    (
        "low",
        {"any": [{"factor": "frailty/moderate"}, {"factor": "council_tax_reduction/arrears"}]},
        "moderate frailty or council tax arrears",
    ),
]
# The category the demo raises cases from (the rest of the cohort waits for the tour to raise them).
RAISED_CATEGORY = "high"
SAVVI_HEADER = [
    "PersonReference",
    "GivenNames",
    "FamilyName",
    "Alias",
    "BirthDate",
    "Gender",
    "UPRN",
    "Address1",
    "Address2",
    "Address3",
    "Address4",
    "Address5",
    "Postcode",
    "AttributeType",
    "AttributeScheme",
    "Attribute",
    "AttributeDate",
    "SourceSystem",
    "ExtractedOn",
    "NHSNumber",
]


def _misspelt(name: str, rng: random.Random) -> str:
    """The name as another system keyed it: two letters swapped."""
    if len(name) < 4:
        return name
    at = rng.randrange(1, len(name) - 2)
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def _older_people(initiative: Initiative, rng: random.Random, count: int) -> list[Person]:
    born_before = clock.today() - datetime.timedelta(days=365 * 70)
    people = list(
        Person.objects.filter(
            initiative=initiative,
            date_of_birth__lte=born_before,
            date_of_death__isnull=True,
            is_restricted=False,
            uprn__isnull=False,
        )
        .exclude(postcode="")
        .order_by("pk")
    )
    rng.shuffle(people)
    return sorted(people[:count], key=lambda p: p.pk)


def _ctr_rows(people: list[Person], rng: random.Random, extracted_on: datetime.date) -> list[list[str]]:
    rows = []
    for number, person in enumerate(people, start=1):
        reference = f"CTR-{number:05d}"
        # A third of the revenues' records have no NHS number (they are matched on name, birth and address);
        # one in ten spells the name another way.
        nhs = person.nhs_number or ""
        if rng.random() < 0.33:
            nhs = ""
        given = _misspelt(person.given_name, rng) if rng.random() < 0.1 else person.given_name
        terms = ["arrears"] + (["single_person_discount"] if rng.random() < 0.5 else [])
        for term in terms:
            rows.append(
                [
                    reference,
                    given,
                    person.family_name,
                    "",
                    person.date_of_birth.isoformat() if person.date_of_birth else "",
                    "",
                    str(person.uprn or ""),
                    person.address_line_1,
                    person.address_line_2,
                    person.town,
                    "",
                    "",
                    person.postcode,
                    "Circumstance",
                    "council_tax_reduction",
                    term,
                    (extracted_on - datetime.timedelta(days=rng.randrange(20, 200))).isoformat(),
                    "Revenues and benefits",
                    extracted_on.isoformat(),
                    nhs,
                ]
            )
    # What every real extract has: a row with an NHS number that fails its check digit, and one with no name.
    rows.append(
        ["CTR-90001", "Walter", "Nobody", "", "1941-02-30", "", "", "", "", "", "", "", "RG40 1AA"]
        + ["Circumstance", "council_tax_reduction", "arrears", "", "Revenues and benefits"]
        + [extracted_on.isoformat(), "9990000019"]
    )
    rows.append(
        ["CTR-90002", "", "", "", "1950-01-01", "", "", "", "", "", "", "", "RG41 2BB"]
        + ["Circumstance", "council_tax_reduction", "arrears", "", "Revenues and benefits"]
        + [extracted_on.isoformat(), ""]
    )
    return rows


def _frailty_rows(
    people: list[Person], rng: random.Random, extracted_on: datetime.date
) -> list[dict[str, str]]:
    rows = []
    for number, person in enumerate(people, start=1):
        rows.append(
            {
                "patient_id": f"GP{number:05d}",
                "first_name": person.given_name,
                "last_name": person.family_name,
                "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else "",
                "nhs_number": person.nhs_number or "",
                "postcode": person.postcode,
                "frailty": rng.choice(["severe", "moderate", "moderate"]),
                "assessed_on": (extracted_on - datetime.timedelta(days=rng.randrange(30, 300))).isoformat(),
            }
        )
    return rows


def build_identify_demo(*, initiative: Initiative, analyst: User, rng: random.Random) -> dict[str, int]:
    """Register the two sources, import a file from each, approve the matching model and draft a risk model.
    Returns counts for the demo's summary."""
    extracted_on = clock.today() - datetime.timedelta(days=14)
    ctr = services.risk_source_create(
        user=analyst,
        initiative_id=initiative.pk,
        data={
            "name": CTR_SOURCE,
            "owner": "Wessex County Council, revenues and benefits",
            "lawful_basis": "UK GDPR 6(1)(e) public task; Care Act 2014 s.2 (prevention); DEA 2017 s.35",
            "file_format": "savvi_csv",
            "column_mapping": {},
            "fixed_values": {},
        },
    )
    frailty = services.risk_source_create(
        user=analyst,
        initiative_id=initiative.pk,
        data={
            "name": FRAILTY_SOURCE,
            "owner": "Wessex GP practices (data processor: the integrated care board)",
            "lawful_basis": "UK GDPR 6(1)(e) and 9(2)(h); Care Act 2014 s.3 (integration with health)",
            "file_format": "csv",
            "column_mapping": FRAILTY_MAPPING,
            "fixed_values": {"attribute_scheme": "frailty", "attribute_type": "Risk"},
        },
    )
    people = _older_people(initiative, rng, 60)
    ctr_people = people[:40]
    frailty_people = people[20:]
    counts = {"risk_sources": 2, "risk_imports": 0, "risk_records": 0}
    with tempfile.TemporaryDirectory(prefix="casework-demo-identify-") as folder:
        ctr_path = Path(folder) / "ctr_extract.csv"
        with open(ctr_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(SAVVI_HEADER)
            writer.writerows(_ctr_rows(ctr_people, rng, extracted_on))
        frailty_path = Path(folder) / "frailty_register.csv"
        with open(frailty_path, "w", newline="", encoding="utf-8") as handle:
            dict_writer = csv.DictWriter(handle, fieldnames=list(FRAILTY_MAPPING.values()))
            dict_writer.writeheader()
            dict_writer.writerows(_frailty_rows(frailty_people, rng, extracted_on))
        for source, path in ((ctr, ctr_path), (frailty, frailty_path)):
            risk_import, _new = services.risk_import_file(
                user=analyst, source=source, path=path, extracted_on=extracted_on
            )
            counts["risk_imports"] += 1
            counts["risk_records"] += risk_import.records_created
    # A Splink model trained on made-up people (risk/pipeline/matching.train, seed 3), approved by the
    # analyst: the matching run the tour starts uses it.
    model: dict[str, Any] = json.loads((DATA / "matching_model.json").read_text())
    matching_model = linking.matching_model_register(user=analyst, initiative_id=initiative.pk, model=model)
    linking.matching_model_approve(user=analyst, matching_model=matching_model)
    version = services.risk_model_create(
        user=analyst,
        initiative_id=initiative.pk,
        name="Wessex vulnerability risk model",
        data={
            "purpose": "Find older residents who may need support before they reach crisis, so that the "
            "initiative can offer it first.",
            "legal_basis": "UK GDPR 6(1)(e) public task and 9(2)(h); Care Act 2014 s.2 and s.3",
            "area": "Wessex",
        },
    )
    for category in RiskCategory.objects.filter(initiative=initiative).order_by("rank"):
        services.risk_model_category_add(
            user=analyst, model_version=version, category_id=category.pk, rank=category.rank
        )
    for scheme, term, label in FACTORS:
        services.risk_factor_definition_add(
            user=analyst, model_version=version, scheme=scheme, term=term, label=label
        )
    categories = {
        category.code: category.pk for category in RiskCategory.objects.filter(initiative=initiative)
    }
    for code, when, description in RULES:
        services.risk_rule_add(
            user=analyst,
            model_version=version,
            category_id=categories[code],
            when=when,
            description=description,
        )
    counts["risk_models"] = 1
    # The analyst runs the model (which freezes this version) and raises the highest category's cases.
    cohort = cohort_services.cohort_start(user=analyst, model_version=version, queue=False)
    cohort = cohort_services.cohort_generate(cohort_id=cohort.pk)
    raised = cohort_services.cohort_raise_cases(user=analyst, cohort=cohort, category=RAISED_CATEGORY)
    counts["cohort_people"] = cohort.people_in_cohort
    counts["cases_from_cohort"] = raised["raised"]
    return counts
