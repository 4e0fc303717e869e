"""The current (not superseded) Care Act records of a case, for the stage gates and the services. No user:
callers have checked the case. Its own module so that the gates and the selectors both use it without an
import cycle."""

from __future__ import annotations

from casework.careact.models import (
    AdvocacyDecision,
    EligibilityDetermination,
    FinancialInformationRecord,
    PreventionRecord,
)
from casework.cases.models import Case


def advocacy_decision_current(*, case: Case, activity: str) -> AdvocacyDecision | None:
    return AdvocacyDecision.objects.filter(case=case, activity=activity, superseded_at__isnull=True).first()


def prevention_current(*, case: Case) -> PreventionRecord | None:
    return PreventionRecord.objects.filter(case=case, superseded_at__isnull=True).first()


def financial_information_current(*, case: Case) -> FinancialInformationRecord | None:
    return FinancialInformationRecord.objects.filter(case=case, superseded_at__isnull=True).first()


def eligibility_current(*, case: Case, kind: str) -> EligibilityDetermination | None:
    return EligibilityDetermination.objects.filter(case=case, kind=kind, superseded_at__isnull=True).first()
