"""Consent in the API: the same services and rules as the pages."""

from casework.consent.models import ConsentRecord
from casework.core import clock


def _body(world, **changes):
    return {
        "kind": "consent",
        "given_by": "person",
        "purpose": "Food deliveries",
        "organisation_ids": [world.foodbank.pk],
        "data_categories": ["contact_details", "needs"],
        "given_on": clock.today().isoformat(),
        **changes,
    }


def test_record_list_read_and_withdraw(api, world, active_case):
    client = api(world.practitioner)
    created = client.post(f"/consents/cases/{active_case.pk}", _body(world))
    assert created.status_code == 201, created.content
    record = created.json()
    assert (record["state"], record["organisation_ids"]) == ("live", [world.foodbank.pk])

    listed = client.get(f"/consents/cases/{active_case.pk}").json()
    assert [r["id"] for r in listed] == [record["id"]]
    one = client.get(f"/consents/{record['id']}")
    assert one["ETag"] == f'"{record["version"]}"'

    stale = client.post(
        f"/consents/{record['id']}/withdraw",
        {
            "version": record["version"] + 1,
            "withdrawn_on": clock.today().isoformat(),
            "withdrawn_by_name": "Margaret",
        },
    )
    assert stale.status_code == 409
    withdrawn = client.post(
        f"/consents/{record['id']}/withdraw",
        {"withdrawn_on": clock.today().isoformat(), "withdrawn_by_name": "Margaret"},
        headers={"If-Match": f'"{record["version"]}"'},
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    again = client.post(
        f"/consents/{record['id']}/withdraw",
        {
            "version": withdrawn.json()["version"],
            "withdrawn_on": clock.today().isoformat(),
            "withdrawn_by_name": "Margaret",
        },
    )
    assert again.status_code == 409


def test_bad_input_is_422_with_the_fields(api, world, active_case):
    response = api(world.practitioner).post(
        f"/consents/cases/{active_case.pk}", _body(world, kind="lawful_basis", data_categories=[])
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"lawful_basis", "decided_by_name", "data_categories"} <= fields
    assert not ConsentRecord.objects.exists()


def test_refused_and_hidden(api, world, active_case, consent):
    assert api(world.case_manager).post(f"/consents/cases/{active_case.pk}", _body(world)).status_code == 403
    for name in ("delivery_worker", "outsider"):
        client = api(getattr(world, name))
        assert client.get(f"/consents/cases/{active_case.pk}").status_code == 404
        assert client.get(f"/consents/{consent.pk}").status_code == 404
        assert (
            client.post(
                f"/consents/{consent.pk}/withdraw",
                {"version": 1, "withdrawn_on": "2026-01-01", "withdrawn_by_name": "x"},
            ).status_code
            == 404
        )
    assert (
        api(world.case_manager)
        .post(
            f"/consents/{consent.pk}/withdraw",
            {"version": 1, "withdrawn_on": clock.today().isoformat(), "withdrawn_by_name": "x"},
        )
        .status_code
        == 403
    )
