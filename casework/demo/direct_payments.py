"""The demo's direct payments: a case whose support plan takes the budget as a direct payment gets an
agreement, signed and started some weeks ago (its payments scheduled, the past ones paid), and, for some, an
audit return whose balance is over the contingency with the surplus waiting for a decision. Its own random
numbers (seeded by the case), so the rest of the demo stays as it was."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from casework.core import clock
from casework.plans import dp_services
from casework.plans.dp_choices import PaymentStatus
from casework.plans.dp_models import DirectPaymentAgreement, DirectPaymentPayment
from casework.plans.support_models import SupportPlan


def record_direct_payment(*, case, worker, plan: SupportPlan) -> DirectPaymentAgreement | None:
    """An agreement for the plan (when it takes the budget as a direct payment), started 5 to 20 weeks ago."""
    if plan.budget_management != "direct_payment" or plan.weekly_cost <= 0:
        return None
    rng = random.Random(case.pk * 7 + 25)
    starts_on = clock.today() - datetime.timedelta(weeks=rng.randint(5, 20))
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
        user=worker,
        agreement=agreement,
        version=agreement.version,
        signed_on=starts_on - datetime.timedelta(days=3),
    )
    agreement = dp_services.dp_agreement_start(user=worker, agreement=agreement, version=agreement.version)
    due = DirectPaymentPayment.objects.filter(agreement=agreement, due_on__lte=clock.today()).order_by(
        "due_on"
    )
    for payment in due:
        dp_services.dp_payment_mark(
            user=worker,
            agreement=agreement,
            due_on=payment.due_on,
            version=payment.version,
            status=PaymentStatus.PAID,
        )
    if rng.random() < 0.5:
        period_ends = min(clock.today(), starts_on + datetime.timedelta(weeks=4, days=-1))
        dp_services.dp_audit_return_record(
            user=worker,
            agreement=agreement,
            period_starts=starts_on,
            period_ends=period_ends,
            spent=(plan.weekly_cost * 2).quantize(Decimal("0.01")),
            balance_held=(plan.weekly_cost * 10).quantize(Decimal("0.01")),
            receipts_checked=True,
            notes="Receipts for the personal assistant's wages and the agency invoice.",
        )
    return agreement
