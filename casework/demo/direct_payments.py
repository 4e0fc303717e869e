"""The demo's direct payments: a case whose support plan takes the budget as a direct payment gets an
agreement, signed and started the day the plan is signed (its payments scheduled for 12 months, the first
paid). Its own random numbers (seeded by the case), so the rest of the demo stays as it was."""

from __future__ import annotations

import random
from decimal import Decimal

from casework.core import clock
from casework.plans import dp_services
from casework.plans.dp_choices import PaymentStatus
from casework.plans.dp_models import DirectPaymentAgreement, DirectPaymentPayment
from casework.plans.support_models import SupportPlan


def record_direct_payment(*, case, worker, plan: SupportPlan) -> DirectPaymentAgreement | None:
    """An agreement for the plan, when it takes the budget as a direct payment."""
    if plan.budget_management != "direct_payment" or plan.weekly_cost <= 0:
        return None
    rng = random.Random(case.pk * 7 + 25)
    starts_on = clock.today()  # the day the plan is signed in the case's history
    agreement = dp_services.dp_agreement_create(
        user=worker,
        case=case,
        recipient=rng.choice(["person", "person", "nominated"]),
        recipient_name="Sarah (daughter)",
        weekly_amount=plan.weekly_cost,
        weekly_contribution=min(plan.weekly_cost, Decimal(rng.choice(["0", "18.40", "35.00"]))),
        contribution_basis=rng.choice(["net", "net", "gross"]),
        frequency=rng.choice(["four_weekly", "monthly"]),
        account_type=rng.choice(["prepaid_card", "managed_account", "own_bank_account"]),
        starts_on=starts_on,
    )
    agreement = dp_services.dp_agreement_sign(
        user=worker, agreement=agreement, version=agreement.version, signed_on=starts_on
    )
    agreement = dp_services.dp_agreement_start(user=worker, agreement=agreement, version=agreement.version)
    first = DirectPaymentPayment.objects.get(agreement=agreement, due_on=starts_on)
    dp_services.dp_payment_mark(
        user=worker,
        agreement=agreement,
        due_on=first.due_on,
        version=first.version,
        status=PaymentStatus.PAID,
    )
    return agreement
