"""Reads of letters: those on cases the user may see; templates of the user's organisations."""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Organisation, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.export import Section, model_rows
from casework.letters.models import Letter, LetterTemplate
from casework.people.selectors import person_list_visible


def letters_for_case(*, case: Case) -> QuerySet[Letter]:
    """The case's letters, newest first, without their PDFs (the caller has checked the case is visible)."""
    return Letter.objects.filter(case=case).defer("pdf", "html").select_related("template_version")


def letter_list_visible(*, user: User) -> QuerySet[Letter]:
    """Letters on cases the user may open; a restricted person's only for those who may open their record
    (twin of letters.view_letter)."""

    return Letter.objects.filter(
        Q(person__is_restricted=False) | Q(person__in=person_list_visible(user=user)),
        case__in=case_list_visible(user=user),
    )


def case_list_letter_sendable(*, user: User) -> QuerySet[Case]:
    """Cases the user may send letters about (twin of letters.send_letter)."""

    return case_list_workable(user=user)


def letter_template_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose letter templates the user changes (twin of letters.manage_templates)."""
    return organisation_list_with_role(user=user, roles=[Role.ORG_ADMIN])


def letter_get_for_user(*, user: User, letter_id: int) -> Letter:
    """A letter on a case the user may open, else Http404 (twin of policies.can_view_letter). A restricted
    person's letter only for those who may open their record: it carries their name and address.
    Writes an AccessEvent (it is personal data)."""
    letter = letter_list_visible(user=user).filter(pk=letter_id).select_related("template_version").first()
    if letter is None:
        raise Http404("No letter found")
    access_record(
        user=user,
        verb="letters.letter_downloaded",
        obj=letter,
        case_id=letter.case_id,
        person_id=letter.person_id,
    )
    return letter


def letter_templates_for_organisation(*, organisation_id: int) -> QuerySet[LetterTemplate]:
    return (
        LetterTemplate.objects.filter(organisation_id=organisation_id)
        .annotate(latest_number=Max("versions__number"))
        .order_by("kind")
    )


def letter_template_get_for_user(*, user: User, template_id: int) -> LetterTemplate:
    template = LetterTemplate.objects.filter(
        pk=template_id, organisation_id__in=actor_for(user).organisation_ids
    ).first()
    if template is None:
        raise Http404("No letter template found")
    return template


def case_has_letters_expression() -> Exists:
    """Whether a case has any letter, as an expression on its row (read with the case by its page)."""
    return Exists(Letter.objects.filter(case_id=OuterRef("pk")))


def letters_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    # The letter as sent is its PDF: the bundle names it; the handler attaches the documents themselves.
    return [("letters", model_rows(Letter.objects.filter(person_id=person_id)))]
