"""Reads of subject access requests, and the queryset twin of policies.py. A request is shown only to the
auditors of the organisation handling it who may handle the person's request (else 404, as for none)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for
from casework.assessments.selectors import assessments_subject_access_sections
from casework.audit.selectors import audit_subject_access_sections
from casework.audit.services import access_record
from casework.careact.selectors import careact_subject_access_sections
from casework.cases.selectors import cases_subject_access_sections
from casework.consent.selectors import consents_subject_access_sections
from casework.contacts.selectors import contacts_subject_access_sections
from casework.core.export import Section
from casework.core.querysets import Pager, Shown
from casework.letters.selectors import letters_subject_access_sections
from casework.people.models import Person
from casework.people.policies import organisations_hold_relationship
from casework.people.selectors import people_subject_access_sections, person_list_audit_visible
from casework.plans.selectors import plans_subject_access_sections
from casework.referrals.selectors import referrals_subject_access_sections
from casework.retention.selectors import retention_subject_access_sections
from casework.reviews.selectors import reviews_subject_access_sections
from casework.risk.selectors import risk_subject_access_sections
from casework.safeguarding.selectors import safeguarding_subject_access_sections
from casework.subjectaccess.choices import OPEN_STATUSES
from casework.subjectaccess.errors import StepNotAllowed
from casework.subjectaccess.models import ClockPause, Redaction, SubjectAccessRequest
from casework.tasks.selectors import tasks_subject_access_sections
from casework.waiting_list.selectors import waiting_list_subject_access_sections

# Every app that holds something about a person, and its exporter (each reads its own models).
SOURCES = (
    ("people", people_subject_access_sections),
    ("cases", cases_subject_access_sections),
    ("contacts", contacts_subject_access_sections),
    ("assessments", assessments_subject_access_sections),
    ("careact", careact_subject_access_sections),
    ("consents", consents_subject_access_sections),
    ("referrals", referrals_subject_access_sections),
    ("plans", plans_subject_access_sections),
    ("reviews", reviews_subject_access_sections),
    ("waiting_list", waiting_list_subject_access_sections),
    ("tasks", tasks_subject_access_sections),
    ("safeguarding", safeguarding_subject_access_sections),
    ("letters", letters_subject_access_sections),
    ("risk", risk_subject_access_sections),
    ("retention", retention_subject_access_sections),
    ("audit", audit_subject_access_sections),
)


def person_list_subject_access_handleable(*, user: User) -> QuerySet[Person]:
    """People whose subject access request the user may handle (twin of subjectaccess.handle_request)."""
    return person_list_audit_visible(user=user)


def request_list_visible(*, user: User) -> QuerySet[SubjectAccessRequest]:
    """Requests handled by the user's auditing organisations, about people the user may handle."""
    auditing = actor_for(user).auditing_organisation_ids
    if not auditing:
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.filter(
        organisation_id__in=auditing, person__in=person_list_subject_access_handleable(user=user)
    )


def request_list_for_user(
    *, user: User, pager: Pager, open_only: bool = False
) -> Shown[SubjectAccessRequest]:
    """A page of the requests the user handles, soonest due first; writes one AccessEvent naming them."""
    qs = request_list_visible(user=user).select_related("person", "organisation")
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    shown = pager.cut(qs.order_by("due_on", "pk"))
    access_record(
        user=user,
        verb="subjectaccess.requests_listed",
        details={"request_ids": [r.pk for r in shown.rows]},
    )
    return shown


def request_get_for_user(*, user: User, request_id: int) -> SubjectAccessRequest:
    """The request, or Http404 (the same whether missing or not the user's). Writes an AccessEvent."""
    found = (
        request_list_visible(user=user)
        .select_related("person", "organisation", "released_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404("No subject access request found")
    access_record(user=user, verb="subjectaccess.request_viewed", obj=found, person_id=found.person_id)
    return found


def request_pauses(*, request: SubjectAccessRequest) -> list[ClockPause]:
    return list(request.pauses.all())


def request_redactions(*, request: SubjectAccessRequest) -> list[Redaction]:
    return list(request.redactions.select_related("created_by"))


def subject_access_sections(*, person_id: int) -> list[tuple[str, Section]]:
    """Every app's sections about the person, each read lazily in chunks."""
    return [(app, section) for app, exporter in SOURCES for section in exporter(person_id=person_id)]


def person_get_for_request(*, user: User, person_id: int) -> Person:
    """The person whose request the user handles, or Http404. Writes an AccessEvent."""
    person = person_list_subject_access_handleable(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No person found")
    access_record(user=user, verb="subjectaccess.person_opened", obj=person, person_id=person.pk)
    return person


def organisation_choices_for_request(*, user: User, person: Person) -> list[tuple[int, str]]:
    """The user's auditing organisations that hold the person's record: where the request may be made."""
    auditing = actor_for(user).auditing_organisation_ids
    return [
        (org.pk, org.name)
        for org in Organisation.objects.filter(pk__in=auditing).order_by("name")
        if organisations_hold_relationship(person, {org.pk})
    ]


def bundle_downloaded(*, user: User, request: SubjectAccessRequest, fmt: str) -> None:
    """Record that the user downloaded the bundle. Raises StepNotAllowed when none is prepared yet."""
    if not request.bundle:
        raise StepNotAllowed("The bundle has not been prepared yet: prepare it first.")
    access_record(
        user=user,
        verb="subjectaccess.bundle_downloaded",
        obj=request,
        person_id=request.person_id,
        details={"format": fmt},
    )


def subject_access_requests_exist(*, person_id: int) -> bool:
    """Whether the person made a subject access request (of any organisation, in any state): retention keeps
    such a person's record, since the request is the log of what was answered (ADR 23). Reads no personal
    data: no access event."""
    return SubjectAccessRequest.objects.filter(person_id=person_id).exists()
