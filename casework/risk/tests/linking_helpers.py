"""Building matching's test world: SAVVI files written from rows, an approved model from the fixture."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from casework.risk import linking, services
from casework.risk.tests.conftest import FIXTURES, make_source

HEADER = (
    "PersonReference,GivenNames,FamilyName,Alias,BirthDate,Gender,UPRN,Address1,Address2,Address3,Address4,"
    "Address5,Postcode,AttributeType,AttributeScheme,Attribute,AttributeDate,SourceSystem,ExtractedOn,NHSNumber"
).split(",")


def person(ref, given, family, dob, *, uprn="", address="", postcode="", nhs=""):
    return {
        "PersonReference": ref,
        "GivenNames": given,
        "FamilyName": family,
        "BirthDate": dob,
        "UPRN": uprn,
        "Address1": address,
        "Postcode": postcode,
        "NHSNumber": nhs,
        "AttributeType": "Circumstance",
        "AttributeScheme": "council_tax_reduction",
        "Attribute": "arrears",
    }


def import_rows(user, source, rows, folder: Path, name="file.csv"):
    path = folder / name
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in HEADER})
    risk_import, _ = services.risk_import_file(user=user, source=source, path=path)
    return risk_import


def fixture_model() -> dict:
    return json.loads((FIXTURES / "matching_model.json").read_text())


def approved_model(user, initiative_id):
    model = linking.matching_model_register(user=user, initiative_id=initiative_id, model=fixture_model())
    return linking.matching_model_approve(user=user, matching_model=model)


def second_source(user, initiative_id, name="GP frailty list"):
    return make_source(user, initiative_id, name=name)
