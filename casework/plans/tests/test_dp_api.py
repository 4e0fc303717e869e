"""Direct payments in the API: the same rules as the services and the pages."""

from __future__ import annotations

import datetime

import pytest

from casework.core import clock
from casework.plans.dp_models import DirectPaymentAgreement
from casework.plans.tests.test_direct_payments import dp_plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_the_api_takes_a_direct_payment_from_agreement_to_surplus_decision(api, world, case):
    worker = api(world.practitioner)
    base = f"/plans/cases/{case.pk}/direct-payments"
    empty = worker.get(base)
    assert empty.status_code == 200 and empty.json()["current"] is None
    starts = clock.today() - 60 * DAY
    terms = {
        "recipient": "nominated",
        "recipient_name": "Jo Thornton",
        "weekly_amount": "250",
        "weekly_contribution": "40",
        "contribution_basis": "gross",
        "frequency": "four_weekly",
        "account_type": "managed_account",
        "starts_on": starts.isoformat(),
    }
    no_plan = worker.post(base, terms)
    assert no_plan.status_code == 409 and "support plan" in no_plan.json()["detail"]
    dp_plan(world, case)
    unnamed = worker.post(base, terms | {"recipient_name": " "})
    assert unnamed.status_code == 422 and "recipient_name" in unnamed.content.decode()
    made = worker.post(base, terms)
    assert made.status_code == 201, made.content
    current = made.json()["current"]
    assert current["status"] == "draft" and current["weekly_council_pays"] == "250.00"
    signed = worker.post(f"{base}/sign", {"version": 1, "signed_on": starts.isoformat()})
    assert signed.status_code == 200, signed.content
    stale = worker.post(f"{base}/start", {"version": 1})
    assert stale.status_code == 409
    begun = worker.post(f"{base}/start", {"version": 2}).json()
    payments = begun["current"]["payments"]
    assert payments[0] == {
        "version": 1,
        "due_on": starts.isoformat(),
        "period_ends": (starts + 27 * DAY).isoformat(),
        "amount": "1000.00",
        "invoiced": "160.00",
        "status": "scheduled",
        "status_note": "",
    }
    assert begun["first_payment_on"] == starts.isoformat()
    assert begun["first_review_due"] is not None
    again = worker.post(f"{base}/payments/generate", {}).json()
    assert len(again["current"]["payments"]) == len(payments)
    paid = worker.post(
        f"{base}/payments/mark", {"due_on": starts.isoformat(), "version": 1, "status": "paid"}
    )
    assert paid.status_code == 200 and paid.json()["current"]["payments"][0]["status"] == "paid"
    returned = worker.post(
        f"{base}/audit-returns",
        {
            "period_starts": starts.isoformat(),
            "period_ends": (starts + 27 * DAY).isoformat(),
            "spent": "200",
            "balance_held": "2500",
            "receipts_checked": True,
        },
    )
    assert returned.status_code == 201, returned.content
    [audit_return] = returned.json()["current"]["audit_returns"]
    assert audit_return["contingency_allowed"] == "2000.00"
    assert audit_return["surplus_recovery"]["amount"] == "500.00"
    decided = worker.post(
        f"{base}/surplus/decide", {"version": 1, "decision": "recover", "reason": "Not needed for her care."}
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["current"]["audit_returns"][0]["surplus_recovery"]["decision"] == "recover"
    nothing = worker.post(f"{base}/surplus/decide", {"version": 1, "decision": "keep", "reason": "x"})
    assert nothing.status_code == 409
    ended = worker.post(
        f"{base}/end", {"version": 3, "ends_on": clock.today().isoformat(), "reason": "Moved to a care home."}
    )
    assert ended.status_code == 200, ended.content
    assert ended.json()["current"] is None and ended.json()["ended"][0]["status"] == "ended"


def test_the_api_refuses_outsiders_and_those_who_may_only_read(api, world, case):
    dp_plan(world, case)
    base = f"/plans/cases/{case.pk}/direct-payments"
    assert api(world.outsider).get(base).status_code == 404
    assert api(world.auditor).get(base).status_code == 200
    refused = api(world.auditor).post(
        base,
        {
            "recipient": "person",
            "weekly_amount": "250",
            "contribution_basis": "net",
            "frequency": "monthly",
            "account_type": "prepaid_card",
            "starts_on": clock.today().isoformat(),
        },
    )
    assert refused.status_code == 403
    assert not DirectPaymentAgreement.objects.exists()
