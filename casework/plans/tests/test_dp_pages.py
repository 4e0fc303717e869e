"""The pages of direct payments, in the case's "Direct payments" section: a worker drafts the agreement (bad
input re-renders with the error summary and changes nothing), records the signature, starts it, marks a
payment paid, records an audit return with a surplus and decides it. The section reads in a fixed number of
queries whatever the number of payments; who may not is refused."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.core import clock
from casework.plans import dp_services
from casework.plans.dp_models import DirectPaymentAgreement, DirectPaymentPayment
from casework.plans.tests.test_direct_payments import dp_plan, started

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_worker_takes_a_direct_payment_from_agreement_to_surplus(login, world, case):
    client = login(world.practitioner)
    section_url = f"/cases/{case.pk}/direct-payments"
    section = client.get(section_url)
    assert (
        section.status_code == 200 and "There is no direct payment on this case" in section.content.decode()
    )
    assert "Draft a direct payment agreement" not in section.content.decode()
    dp_plan(world, case)
    assert "Draft a direct payment agreement" in client.get(section_url).content.decode()
    new = f"/plans/cases/{case.pk}/direct-payments/new"
    assert client.get(new).status_code == 200
    starts = clock.today() - 30 * DAY
    body = {
        "recipient": "authorised",
        "weekly_amount": "200",
        "weekly_contribution": "20",
        "contribution_basis": "net",
        "frequency": "four_weekly",
        "account_type": "managed_account",
        **_date("starts_on", starts),
    }
    bad = client.post(new, body)
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert "Enter the name of the nominated or authorised person" in bad.content.decode()
    assert not DirectPaymentAgreement.objects.exists()
    assert client.post(new, body | {"recipient_name": "Jo Thornton (deputy)"}).status_code == 302
    sign = f"/plans/cases/{case.pk}/direct-payments/sign"
    assert client.get(sign).status_code == 200
    assert client.post(sign, {"version": 1, **_date("signed_on", starts)}).status_code == 302
    start = f"/plans/cases/{case.pk}/direct-payments/start"
    assert client.get(start).status_code == 200
    assert client.post(start, {"version": 2}).status_code == 302
    content = client.get(section_url).content.decode()
    assert "Payment schedule" in content and "£720.00" in content  # (200 - 20) × 4
    assert "the first review is due by" in content
    mark = f"/plans/cases/{case.pk}/direct-payments/payments/mark"
    assert client.get(f"{mark}?due={starts.isoformat()}").status_code == 200
    marked = client.post(mark, {"version": 1, "due_on": starts.isoformat(), "status": "paid"})
    assert marked.status_code == 302
    assert DirectPaymentPayment.objects.get(due_on=starts).status == "paid"
    audit = f"/plans/cases/{case.pk}/direct-payments/audit-returns/new"
    assert client.get(audit).status_code == 200
    audit_body = {
        **_date("period_starts", starts),
        **_date("period_ends", starts + 27 * DAY),
        "spent": "300",
        "balance_held": "2000",
        "receipts_checked": "on",
    }
    assert client.post(audit, audit_body).status_code == 302
    content = client.get(section_url).content.decode()
    assert "Decide the surplus of £560.00" in content  # 2000 - 8 × 180
    surplus = f"/plans/cases/{case.pk}/direct-payments/surplus"
    no_reason = client.post(surplus, {"version": 1, "decision": "recover"})
    assert no_reason.status_code == 200 and "govuk-error-summary" in no_reason.content.decode()
    assert (
        client.post(surplus, {"version": 1, "decision": "recover", "reason": "Not needed."}).status_code
        == 302
    )
    content = client.get(section_url).content.decode()
    assert "Recover it (Not needed.)" in content
    end = f"/plans/cases/{case.pk}/direct-payments/end"
    ended = client.post(end, {"version": 3, **_date("ends_on", clock.today()), "reason": "Moved away"})
    assert ended.status_code == 302
    assert "Ended agreements" in client.get(section_url).content.decode()


def test_the_section_reads_in_fixed_queries_whatever_the_number_of_payments(
    login, world, case, django_assert_num_queries
):
    client = login(world.practitioner)
    dp_plan(world, case)
    agreement = started(world, case)
    url = f"/cases/{case.pk}/direct-payments"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    dp_services.dp_payments_generate(
        user=world.practitioner, agreement=agreement, until=clock.today() + 1000 * DAY
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_those_who_may_only_read_are_refused_the_forms(login, world, case):
    dp_plan(world, case)
    client = login(world.auditor)
    assert client.get(f"/cases/{case.pk}/direct-payments").status_code == 200
    assert client.get(f"/plans/cases/{case.pk}/direct-payments/new").status_code == 403
    assert login(world.outsider).get(f"/plans/cases/{case.pk}/direct-payments/new").status_code == 404
