"""Direct payments through the services: an agreement for a support plan that takes the budget as a direct
payment, signed, started (its payments scheduled, idempotently), ended; payments paid and held; audit returns
and the surplus above the contingency, recovered or kept with a reason; audited; stale writes refused; the
first payment date for the reviews app; who may do what (predicates, twins)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from casework.audit.models import AccessEvent, AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm
from casework.plans import dp_selectors as selectors
from casework.plans import dp_services as dp
from casework.plans import support_services
from casework.plans.dp_models import DirectPaymentPayment, SurplusRecovery
from casework.plans.tests.steps import record_estimate_sent, record_plan
from conftest import PERSONAS

D = Decimal
DAY = datetime.timedelta(days=1)


def dp_plan(world, case):
    """A draft support plan that takes the budget as a direct payment, signed off by both."""
    plan = record_plan(user=world.practitioner, case=case, budget_management="direct_payment")
    record_estimate_sent(user=world.practitioner, case=case)
    support_services.support_plan_sign_worker(user=world.practitioner, plan=plan, version=plan.version)
    support_services.support_plan_sign_person(
        user=world.practitioner, plan=plan, version=plan.version, signer="person", name="Margaret Thornton"
    )
    return plan


def draft(world, case, **more):
    return dp.dp_agreement_create(
        user=world.practitioner,
        case=case,
        recipient=more.pop("recipient", "person"),
        weekly_amount=more.pop("weekly_amount", D("250")),
        weekly_contribution=more.pop("weekly_contribution", D("40")),
        contribution_basis=more.pop("contribution_basis", "net"),
        frequency=more.pop("frequency", "four_weekly"),
        account_type=more.pop("account_type", "prepaid_card"),
        starts_on=more.pop("starts_on", clock.today() - 60 * DAY),
        **more,
    )


def started(world, case, **more):
    agreement = draft(world, case, **more)
    agreement = dp.dp_agreement_sign(
        user=world.practitioner,
        agreement=agreement,
        version=agreement.version,
        signed_on=clock.today() - 61 * DAY,
    )
    return dp.dp_agreement_start(user=world.practitioner, agreement=agreement, version=agreement.version)


@pytest.fixture
def plan(world, case):
    return dp_plan(world, case)


# --- The agreement ---


def test_a_direct_payment_needs_a_plan_that_takes_the_budget_as_one(world, case):
    record_plan(user=world.practitioner, case=case, budget_management="council_managed")
    with pytest.raises(DomainError, match="support plan"):
        draft(world, case)
    dp_plan(world, case)
    assert draft(world, case).support_plan.budget_management == "direct_payment"


def test_the_terms_are_checked_field_by_field(world, case, plan):
    with pytest.raises(ValidationFailed) as error:
        draft(
            world,
            case,
            recipient="authorised",
            weekly_amount=D("100"),
            weekly_contribution=D("120"),
            frequency="fortnightly",
            ends_on=clock.today() - 90 * DAY,
        )
    assert set(error.value.errors) == {"recipient_name", "weekly_contribution", "frequency", "ends_on"}


def test_one_agreement_at_a_time(world, case, plan):
    draft(world, case)
    with pytest.raises(DomainError, match="already"):
        draft(world, case)


def test_starting_schedules_the_payments_and_generating_again_adds_none(world, case, plan):
    agreement = started(world, case)
    payments = list(DirectPaymentPayment.objects.filter(agreement=agreement))
    assert payments[0].due_on == agreement.starts_on
    assert {p.amount for p in payments} == {D("840.00")}  # (250 - 40) × 4 net
    assert payments[-1].due_on <= clock.today() + 366 * DAY
    assert dp.dp_payments_generate(user=world.practitioner, agreement=agreement) == []
    later = dp.dp_payments_generate(
        user=world.practitioner, agreement=agreement, until=clock.today() + 500 * DAY
    )
    assert later and DirectPaymentPayment.objects.filter(agreement=agreement).count() == len(payments) + len(
        later
    )
    verbs = list(
        AuditEvent.objects.filter(case_id=case.pk, verb__startswith="plans.dp_").values_list(
            "verb", flat=True
        )
    )
    assert verbs.count("plans.dp_payments_generated") == 2
    assert {"plans.dp_agreement_created", "plans.dp_agreement_signed", "plans.dp_agreement_started"} <= set(
        verbs
    )


def test_gross_pays_the_whole_budget_and_invoices_the_contribution(world, case, plan):
    agreement = started(world, case, contribution_basis="gross", frequency="monthly")
    payment = DirectPaymentPayment.objects.filter(agreement=agreement).first()
    assert (payment.amount, payment.invoiced) == (D("1083.33"), D("173.33"))


def test_only_a_signed_agreement_starts(world, case, plan):
    agreement = draft(world, case)
    with pytest.raises(DomainError, match="signed"):
        dp.dp_agreement_start(user=world.practitioner, agreement=agreement, version=agreement.version)
    with pytest.raises(DomainError, match="active"):
        dp.dp_payments_generate(user=world.practitioner, agreement=agreement)


def test_a_stale_version_changes_nothing(world, case, plan):
    agreement = draft(world, case)
    with pytest.raises(ConflictError):
        dp.dp_agreement_sign(user=world.practitioner, agreement=agreement, version=9, signed_on=clock.today())


def test_ending_withdraws_later_payments_and_pays_the_last_by_the_day(world, case, plan):
    agreement = started(world, case, weekly_amount=D("70"), weekly_contribution=D("0"))
    ends_on = agreement.starts_on + 28 * DAY + 9 * DAY  # 10 days into the second period
    dp.dp_agreement_end(
        user=world.practitioner,
        agreement=agreement,
        version=agreement.version,
        ends_on=ends_on,
        reason="Moved",
    )
    amounts = list(DirectPaymentPayment.objects.filter(agreement=agreement).values_list("amount", flat=True))
    assert amounts == [D("280.00"), D("100.00")]
    assert agreement.status == "ended"
    # Another may now be drafted.
    assert draft(world, case).status == "draft"


def test_a_payment_is_paid_or_held_with_a_reason_and_paid_stays_paid(world, case, plan):
    agreement = started(world, case)
    first = DirectPaymentPayment.objects.filter(agreement=agreement).first()
    with pytest.raises(ValidationFailed):
        dp.dp_payment_mark(
            user=world.practitioner, agreement=agreement, due_on=first.due_on, version=1, status="held"
        )
    paid = dp.dp_payment_mark(
        user=world.practitioner, agreement=agreement, due_on=first.due_on, version=1, status="paid"
    )
    assert paid.status == "paid"
    with pytest.raises(DomainError, match="paid"):
        dp.dp_payment_mark(
            user=world.practitioner,
            agreement=agreement,
            due_on=first.due_on,
            version=2,
            status="held",
            note="x",
        )
    future = DirectPaymentPayment.objects.filter(agreement=agreement, due_on__gt=clock.today()).first()
    with pytest.raises(DomainError, match="before it is due"):
        dp.dp_payment_mark(
            user=world.practitioner, agreement=agreement, due_on=future.due_on, version=1, status="paid"
        )


# --- Audit returns and surplus ---


def test_an_audit_return_over_the_contingency_identifies_a_surplus_to_decide(world, case, plan):
    agreement = started(world, case)
    within = dp.dp_audit_return_record(
        user=world.practitioner,
        agreement=agreement,
        period_starts=agreement.starts_on,
        period_ends=agreement.starts_on + 27 * DAY,
        spent=D("700"),
        balance_held=D("1680"),  # exactly 8 weeks of £210
        receipts_checked=True,
    )
    assert (within.contingency_allowed, within.surplus_identified) == (D("1680.00"), D("0"))
    assert not SurplusRecovery.objects.exists()
    over = dp.dp_audit_return_record(
        user=world.practitioner,
        agreement=agreement,
        period_starts=agreement.starts_on + 28 * DAY,
        period_ends=agreement.starts_on + 55 * DAY,
        spent=D("100"),
        balance_held=D("2000"),
        receipts_checked=False,
    )
    recovery = over.surplus_recovery
    assert recovery.amount == D("320.00") and not recovery.is_decided
    with pytest.raises(DomainError, match="surplus"):
        dp.dp_audit_return_record(
            user=world.practitioner,
            agreement=agreement,
            period_starts=agreement.starts_on + 56 * DAY,
            period_ends=agreement.starts_on + 57 * DAY,
            spent=D("0"),
            balance_held=D("0"),
            receipts_checked=True,
        )
    with pytest.raises(ValidationFailed) as error:
        dp.dp_surplus_decide(
            user=world.practitioner, recovery=recovery, version=1, decision="keep", reason=" "
        )
    assert set(error.value.errors) == {"reason"}
    decided = dp.dp_surplus_decide(
        user=world.practitioner,
        recovery=recovery,
        version=1,
        decision="keep",
        reason="Saving for a holiday with her carer, agreed in the plan.",
    )
    assert decided.decision == "keep" and decided.decided_by_id == world.practitioner.pk
    with pytest.raises(DomainError):
        dp.dp_surplus_decide(
            user=world.practitioner, recovery=recovery, version=2, decision="recover", reason="x"
        )
    assert AuditEvent.objects.filter(verb="plans.dp_surplus_decided", case_id=case.pk).exists()


def test_audit_returns_do_not_overlap_and_start_within_the_agreement(world, case, plan):
    agreement = started(world, case)
    kwargs = {"spent": D("1"), "balance_held": D("1"), "receipts_checked": True}
    with pytest.raises(DomainError, match="start of the agreement"):
        dp.dp_audit_return_record(
            user=world.practitioner,
            agreement=agreement,
            period_starts=agreement.starts_on - DAY,
            period_ends=agreement.starts_on,
            **kwargs,
        )
    dp.dp_audit_return_record(
        user=world.practitioner,
        agreement=agreement,
        period_starts=agreement.starts_on,
        period_ends=agreement.starts_on + 10 * DAY,
        **kwargs,
    )
    with pytest.raises(DomainError, match="covers"):
        dp.dp_audit_return_record(
            user=world.practitioner,
            agreement=agreement,
            period_starts=agreement.starts_on + 10 * DAY,
            period_ends=agreement.starts_on + 20 * DAY,
            **kwargs,
        )


# --- For the reviews app ---


def test_the_first_payment_date_is_the_first_of_a_started_agreement(world, case, plan):
    assert selectors.dp_first_payment_date(case) is None
    agreement = draft(world, case)
    assert selectors.dp_first_payment_date(case) is None  # not started
    agreement = dp.dp_agreement_sign(
        user=world.practitioner, agreement=agreement, version=1, signed_on=clock.today()
    )
    dp.dp_agreement_start(user=world.practitioner, agreement=agreement, version=agreement.version)
    assert selectors.dp_first_payment_date(case) == agreement.starts_on
    assert selectors.dp_first_payment_dates(case_ids=[case.pk]) == {case.pk: agreement.starts_on}


# --- Reading, and who may do what ---


def test_reading_is_recorded_in_fixed_queries_and_refused_to_outsiders(
    world, case, plan, django_assert_max_num_queries
):
    agreement = started(world, case)
    dp.dp_audit_return_record(
        user=world.practitioner,
        agreement=agreement,
        period_starts=agreement.starts_on,
        period_ends=agreement.starts_on + 27 * DAY,
        spent=D("1"),
        balance_held=D("5000"),
        receipts_checked=True,
    )
    with django_assert_max_num_queries(12):
        found = selectors.case_direct_payments_get_for_user(user=world.team_manager, case=case)
        assert found.current == agreement
        assert len(found.current.payments.all()) > 5
        assert [r.surplus_recovery.amount for r in found.current.audit_returns.all()]
    assert AccessEvent.objects.filter(verb="plans.direct_payments_viewed", case_id=case.pk).exists()
    with pytest.raises(PermissionRefused):
        selectors.case_direct_payments_get_for_user(user=world.outsider, case=case)
    with pytest.raises(PermissionRefused):
        dp.dp_agreement_create(
            user=world.auditor,
            case=case,
            recipient="person",
            weekly_amount=D("1"),
            weekly_contribution=D("0"),
            contribution_basis="net",
            frequency="monthly",
            account_type="prepaid_card",
            starts_on=clock.today(),
        )


@pytest.mark.parametrize("name", PERSONAS)
def test_each_direct_payment_predicate_agrees_with_its_twin(world, case, name):
    user = getattr(world, name)
    twins = {
        "plans.view_direct_payments_case": selectors.case_list_direct_payments_visible,
        "plans.manage_direct_payments_case": selectors.case_list_direct_payments_manageable,
    }
    for permission, twin in twins.items():
        assert has_perm(user, permission, case) == twin(user=user).filter(pk=case.pk).exists(), permission
