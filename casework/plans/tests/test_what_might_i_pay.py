"""The public "What might I pay?" calculator: no sign-in, nothing stored, the same engine as the worker's."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.audit.models import AccessEvent, AuditEvent
from casework.core import clock
from casework.plans.charging.calculator import assess
from casework.plans.charging.rates import table_for
from casework.plans.forms import WhatMightIPayForm

URL = "/public/what-might-i-pay"
ANSWERS = {
    "path": "non_residential",
    "age": "70",
    "state_pension": "230.25",
    "attendance_allowance_higher": "110.40",
    "savings": "15000",
    "main_home": "250000",
    "weekly_cost_of_care": "300",
}


@pytest.fixture
def in_2025_26():
    with clock.frozen_at(datetime.datetime(2025, 10, 1, 12, tzinfo=datetime.UTC)):
        yield


def test_the_url_is_public():
    assert reverse("plans:what_might_i_pay") == URL


@pytest.mark.django_db
def test_anyone_can_open_it_without_signing_in(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "What might I pay for care?" in response.content.decode()


@pytest.mark.django_db
def test_it_gives_the_same_answer_as_the_calculator_and_stores_nothing(client, in_2025_26):
    response = client.post(URL, ANSWERS)
    assert response.status_code == 200
    html = response.content.decode()
    # £15,000: £3 tariff; 230.25 + 110.40 - 36.50 night + 3 = 307.15; less 232.65 MIG and 10.85 DRE.
    assert "You might pay £63.65 a week" in html
    form = WhatMightIPayForm(ANSWERS)
    assert form.is_valid()
    expected = assess(form.assessment_input(), table_for(datetime.date(2025, 10, 1)))
    assert expected.weekly_charge == Decimal("63.65")
    assert "SI 2014/2672 reg 25" in html  # every line cites where it comes from
    assert "Not counted" in html  # the home, for care at home
    assert "To confirm" in html  # the pension-age guarantee is still to confirm for 2025/26
    assert not AuditEvent.objects.exists() and not AccessEvent.objects.exists()


@pytest.mark.django_db
def test_over_the_limit_pays_the_full_cost(client, in_2025_26):
    response = client.post(URL, {**ANSWERS, "savings": "30000"})
    assert "You would pay the full cost" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({**ANSWERS, "age": "17"}, "This calculator is for adults: your age must be 18 or over"),
        ({**ANSWERS, "age": ""}, "Enter your age"),
        ({**ANSWERS, "path": ""}, "Select where you would get care"),
        ({**ANSWERS, "savings": "-1"}, "Savings and cash (£) cannot be negative"),
        (
            {**ANSWERS, "savings": "lots"},
            "Savings and cash (£) must be an amount of money, like 150 or 150.50",
        ),
        ({**ANSWERS, "state_pension": "1.234"}, "must be in pounds and pence, like 150.50"),
    ],
)
def test_bad_answers_get_an_error_summary(client, answers, message):
    response = client.post(URL, answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    assert "You might pay" not in html
