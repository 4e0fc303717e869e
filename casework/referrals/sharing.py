"""What a referral shows, worked out live from the basis it cites: the one place minimisation is decided.

The delivery organisation gets the categories the basis covers for it today, and only while the referral is
open (new or accepted): once the basis is withdrawn or expired, or the referral declined or closed, it sees
the referral's reference, the names and statuses of the needs referred (to close them out), its own plan
and actions, and a notice saying why nothing more is shared. The organisation holding the case sees
everything, and what the delivery organisation can see now. The page and the API both render a
SharedReferral.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from casework.assessments.choices import AssessmentStatus
from casework.assessments.models import Assessment
from casework.consent import rules
from casework.consent.choices import BasisKind, BasisState, DataCategory
from casework.core import clock
from casework.core.templatetags.govuk import govuk_date
from casework.people.models import Household
from casework.referrals.choices import ReferralStatus
from casework.referrals.models import Referral


@dataclass(frozen=True)
class SharedSubject:
    name: str
    address_lines: list[str]
    phone: str = ""
    email: str = ""
    preferred_contact_method: str = ""
    preferred_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    accessible_format: str = ""


@dataclass(frozen=True)
class SharedNeed:
    id: int
    version: int
    code: str
    name: str
    status: str
    status_label: str
    note: str | None


@dataclass(frozen=True)
class SharedNeedUpdate:
    need: str
    status: str
    status_label: str
    note: str
    changed_at: datetime.datetime
    changed_by: str
    organisation: str


@dataclass(frozen=True)
class SharedAction:
    occurred_on: datetime.date
    description: str
    recorded_by: str
    organisation: str


@dataclass(frozen=True)
class SharedAssessment:
    situation: str
    response: str
    completed_on: datetime.date | None


@dataclass(frozen=True)
class SharedBasis:
    kind: str
    description: str
    purpose: str
    data_categories: list[str]
    given_on: datetime.date
    expires_on: datetime.date | None
    state: str
    ended_on: datetime.date | None


@dataclass(frozen=True)
class SharedReferral:
    id: int
    reference: str
    version: int
    status: str
    status_label: str
    side: str
    delivery_organisation_id: int
    delivery_organisation: str
    referring_organisation_id: int
    referring_organisation: str
    referred_by: str
    sent_at: datetime.datetime
    service: dict | None
    basis: SharedBasis
    shared: list[str]
    notice: str
    needs: list[SharedNeed]
    subject: SharedSubject | None = None
    circumstances: str | None = None
    instructions: str | None = None
    assessment: SharedAssessment | None = None
    plan: str = ""
    plan_recorded_at: datetime.datetime | None = None
    actions: list[SharedAction] = field(default_factory=list)
    need_updates: list[SharedNeedUpdate] = field(default_factory=list)
    responded_at: datetime.datetime | None = None
    responded_by: str = ""
    response_note: str = ""
    closed_at: datetime.datetime | None = None
    closing_note: str = ""
    case_id: int | None = None
    case_reference: str | None = None


def shared_categories(referral: Referral, day: datetime.date | None = None) -> frozenset[str]:
    """What the delivery organisation may read of the referral now: what the basis covers for it, while both
    the basis is live and the referral open."""
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        return frozenset()
    return rules.shared_categories(
        referral.basis.terms(), day=day or clock.today(), organisation_id=referral.delivery_organisation_id
    )


def _notice(referral: Referral, day: datetime.date) -> str:
    terms = referral.basis.terms()
    state = rules.state_on(terms, day)
    what = "The lawful basis for sharing" if referral.basis.kind == BasisKind.LAWFUL_BASIS else "Consent"
    if state == BasisState.WITHDRAWN:
        return f"{what} withdrawn on {govuk_date(referral.basis.withdrawn_on)}; nothing more is shared."
    if state == BasisState.EXPIRED:
        return f"{what} expired on {govuk_date(referral.basis.expires_on)}; nothing more is shared."
    if state != BasisState.LIVE or referral.delivery_organisation_id not in terms.organisation_ids:
        return f"{what} does not cover your organisation now; nothing more is shared."
    if referral.status == ReferralStatus.DECLINED:
        return "This referral was declined; nothing more is shared."
    if referral.status == ReferralStatus.CLOSED:
        return "This referral is closed; nothing more is shared."
    return ""


def notice_for(referral: Referral, day: datetime.date | None = None) -> str:
    """Why the delivery organisation sees nothing more of the referral, in a sentence; "" while it may."""
    return _notice(referral, day or clock.today())


def _subject(referral: Referral) -> SharedSubject:
    case = referral.case
    person = case.person  # None, with no query, for a household's case
    if person is not None:
        return SharedSubject(
            name=person.full_name,
            address_lines=person.address_lines,
            phone=person.phone,
            email=person.email,
            preferred_contact_method=person.get_preferred_contact_method_display(),
            preferred_language=person.preferred_language,
            interpreter_needed=person.interpreter_needed,
            communication_needs=person.communication_needs,
            accessible_format=person.get_accessible_format_display() if person.accessible_format else "",
        )
    household = cast(Household, case.household)  # a case is about a person or else a household
    return SharedSubject(name=str(household), address_lines=household.address_lines)


def _assessment(referral: Referral) -> SharedAssessment | None:
    # Read here, not through assessments.selectors: the delivery organisation may never open the assessment
    # itself, only the summary its basis covers.
    latest = (
        Assessment.objects.filter(case_id=referral.case_id, status=AssessmentStatus.COMPLETED)
        .order_by("-completed_at", "-id")
        .only("situation", "response", "completed_at")
        .first()
    )
    if latest is None:
        return None
    return SharedAssessment(
        situation=latest.situation,
        response=latest.response,
        completed_on=latest.completed_at.date() if latest.completed_at else None,
    )


def _basis(referral: Referral, day: datetime.date) -> SharedBasis:
    record = referral.basis
    terms = record.terms()
    end = rules.ended(terms)
    description = record.kind_words
    return SharedBasis(
        kind=record.kind,
        description=description,
        purpose=record.purpose,
        data_categories=[c for c in DataCategory.values if c in terms.data_categories],
        given_on=record.given_on,
        expires_on=record.expires_on,
        state=rules.state_on(terms, day),
        ended_on=end[1] if end else None,
    )


def _name(user) -> str:
    return user.display_name if user is not None else ""


def referral_shared(
    referral: Referral, *, side: str, day: datetime.date | None = None, summary: bool = False
) -> SharedReferral:
    """The referral as `side` ("delivery" or "responsible") may see it on the day (today by default).

    Reads the person and the latest completed assessment only when they are to be shown, and never for a
    `summary` (a list of referrals, such as the case page's, in a fixed number of queries).
    """
    day = day or clock.today()
    shared = shared_categories(referral, day)
    full = side == "responsible"
    needs_shown = full or DataCategory.NEEDS in shared
    needs = list(referral.needs.all())
    common: dict[str, Any] = dict(
        id=referral.pk,
        reference=referral.reference,
        version=referral.version,
        status=referral.status,
        status_label=referral.get_status_display(),
        side=side,
        delivery_organisation_id=referral.delivery_organisation_id,
        delivery_organisation=referral.delivery_organisation.name,
        referring_organisation_id=referral.referring_organisation_id,
        referring_organisation=referral.referring_organisation.name,
        referred_by=_name(referral.sent_by),
        sent_at=referral.sent_at,
        service=referral.service_snapshot or None,
        basis=_basis(referral, day),
        shared=[c for c in DataCategory.values if c in shared],
        notice=_notice(referral, day),
        needs=[
            SharedNeed(
                id=n.pk,
                version=n.version,
                code=n.definition.code,
                name=n.definition.name,
                status=n.status,
                status_label=n.get_status_display(),
                note=n.note if needs_shown else None,
            )
            for n in needs
        ],
        plan=referral.plan,
        plan_recorded_at=referral.plan_recorded_at,
        actions=[
            SharedAction(
                occurred_on=a.occurred_on,
                description=a.description,
                recorded_by=_name(a.recorded_by),
                organisation=a.organisation.name,
            )
            for a in referral.actions.all()
        ],
        responded_at=referral.responded_at,
        responded_by=_name(referral.responded_by),
        response_note=referral.response_note,
        closed_at=referral.closed_at,
        closing_note=referral.closing_note,
    )
    if needs_shown:
        common.update(circumstances=referral.circumstances, instructions=referral.instructions)
    # A restricted person's details are for those named on them: the colleagues of the organisation holding
    # the case see the referral without them (the delivery organisation sees what the person consented to
    # share).
    withheld = full and referral.case.person is not None and referral.case.person.name_withheld
    if not summary and (full or DataCategory.CONTACT_DETAILS in shared) and not withheld:
        common["subject"] = _subject(referral)
    if not summary and (full or DataCategory.ASSESSMENT_SUMMARY in shared):
        common["assessment"] = _assessment(referral)
    if full:
        common.update(
            case_id=referral.case_id,
            case_reference=referral.case.reference,
            need_updates=need_updates(referral),
        )
    return SharedReferral(**common)


def need_updates(referral: Referral) -> list[SharedNeedUpdate]:
    """The delivery organisation's updates to the referred needs since the referral was sent, oldest first
    (from the prefetched history)."""
    updates = [
        SharedNeedUpdate(
            need=need.definition.name,
            status=change.to_status,
            status_label=change.get_to_status_display(),
            note=change.note,
            changed_at=change.changed_at,
            changed_by=_name(change.changed_by),
            organisation=change.organisation.name if change.organisation is not None else "",
        )
        for need in referral.needs.all()
        for change in need.status_changes.all()
        if change.organisation_id == referral.delivery_organisation_id
        and change.changed_at >= referral.sent_at
    ]
    return sorted(updates, key=lambda u: u.changed_at)


@dataclass(frozen=True)
class WorklistRow:
    id: int
    reference: str
    status: str
    status_label: str
    sent_at: datetime.datetime
    delivery_organisation: str
    referring_organisation: str
    needs: list[str]
    subject_name: str | None
    notice: str


def worklist_rows(referrals, day: datetime.date | None = None) -> list[WorklistRow]:
    """A page of the delivery worklist, each row showing the person's name only while the basis shares it."""
    day = day or clock.today()
    rows = []
    for referral in referrals:
        shared = shared_categories(referral, day)
        rows.append(
            WorklistRow(
                id=referral.pk,
                reference=referral.reference,
                status=referral.status,
                status_label=referral.get_status_display(),
                sent_at=referral.sent_at,
                delivery_organisation=referral.delivery_organisation.name,
                referring_organisation=referral.referring_organisation.name,
                needs=[n.definition.name for n in referral.needs.all()],
                subject_name=_subject(referral).name if DataCategory.CONTACT_DETAILS in shared else None,
                notice=_notice(referral, day),
            )
        )
    return rows
