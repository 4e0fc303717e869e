"""Writes for letters: templates (shipped, revised by organisation admins) and sending a letter, idempotently.

A letter is sent once per effect key: the Letter row (unique key) and the hand-over to the backend happen in
one transaction, so a job retried, run twice or killed half-way sends one letter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.db import transaction
from django.db.models import Max

from casework.accounts.models import Organisation, User
from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.jobs import checkpoint
from casework.core.permissions import require_perm
from casework.letters import rendering
from casework.letters.backends import letter_backend
from casework.letters.choices import LetterKind
from casework.letters.models import Letter, LetterTemplate, LetterTemplateVersion
from casework.people.models import Person

STANDARD_DIR = Path(__file__).parent / "standard_templates"
STANDARD_SUBJECTS: dict[str, str] = {
    LetterKind.ACKNOWLEDGEMENT: "We have received your letter",
    LetterKind.WAITING_LIST_ADDED: "You are on our waiting list",
    LetterKind.STILL_WAITING: "You are still on our waiting list",
    LetterKind.INVITE_CONTACT: "Please get in touch with us",
    LetterKind.APPOINTMENT: "Your appointment",
    LetterKind.CHARGE_ESTIMATE: "What you are estimated to pay for your care and support",
}
REFUSED = "Only your organisation's admins change its letters."
STALE = stale_message(
    "a new version of this letter", did="saved", then="look at their version and make your change again"
)


def letter_templates_install_standard(
    *, organisation_id: int, user: User | None = None
) -> list[LetterTemplate]:
    """The shipped wording of each kind of letter the organisation does not have yet."""
    have = set(LetterTemplate.objects.filter(organisation_id=organisation_id).values_list("kind", flat=True))
    added = []
    for kind in LetterKind.values:
        if kind in have:
            continue
        with transaction.atomic():
            template = LetterTemplate.objects.create(
                organisation_id=organisation_id, kind=kind, created_by=user, modified_by=user
            )
            LetterTemplateVersion.objects.create(
                template=template,
                number=1,
                subject=STANDARD_SUBJECTS[kind],
                body=(STANDARD_DIR / f"{kind}.html").read_text(),
                created_at=clock.now(),
                created_by=user,
            )
        added.append(template)
    return added


def letter_template_revise(
    *, user: User, template: LetterTemplate, based_on: int, subject: str, body: str
) -> LetterTemplateVersion:
    """Save new wording as a new version; letters already sent keep theirs. ConflictError if `based_on` is
    stale."""
    require_perm(user, "letters.manage_templates", template.organisation_id, REFUSED)
    problems = rendering.template_problems(subject, body)
    if problems:
        raise ValidationFailed(next(iter(problems.values())), field=next(iter(problems)), errors=problems)
    with transaction.atomic():
        locked = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        latest = locked.versions.aggregate(n=Max("number"))["n"] or 0
        if latest != based_on:
            raise ConflictError(STALE)
        version = LetterTemplateVersion.objects.create(
            template=template,
            number=latest + 1,
            subject=subject.strip(),
            body=body.strip(),
            created_at=clock.now(),
            created_by=user,
        )
        audit_record(
            user=user,
            verb="letters.template_revised",
            obj=template,
            organisation_id=template.organisation_id,
            changes={"version": {"before": latest, "after": latest + 1}},
        )
    return version


def _address(person: Person) -> str:
    lines = [person.full_name, person.address_line_1, person.address_line_2, person.town, person.postcode]
    return "\n".join(line for line in lines if line)


def _values(
    *, case: Case, person: Person, organisation: Organisation, extra: dict[str, Any] | None
) -> dict[str, str]:
    values = {
        "person.given_name": person.given_name,
        "person.family_name": person.family_name,
        "person.full_name": person.full_name,
        "case.reference": case.reference if case else "",
        "organisation.name": organisation.name,
        "organisation_phone": getattr(organisation, "phone", "") or "",
        "today": clock.today().strftime("%-d %B %Y"),
    }
    values.update({k: str(v) for k, v in (extra or {}).items() if k in rendering.PLACEHOLDERS})
    return values


def letter_send(
    *, kind: str, case: Case, effect_key: str, user: User | None = None, extra: dict[str, Any] | None = None
) -> Letter:
    """Render the organisation's letter of this kind to the case's person, store it and send it: once per key.

    Returns the letter (the one already sent, for a key seen before). Raises DomainError when the person has
    no address to post to (the job then retries, and is listed for the organisation admin if it still fails).
    Audited as "letters.sent".
    """
    existing = Letter.objects.filter(effect_key=effect_key).first()
    if existing is not None:
        return existing
    if kind not in LetterKind.values:
        raise ValidationFailed("Select the kind of letter", field="kind")
    if case.person_id is None:
        raise DomainError("Letters go to a person: this case is about a household.")

    person = cast(Person, case.person)  # person_id is set, checked above
    if not (person.address_line_1 and person.postcode):
        raise DomainError(f"{person.full_name} has no postal address: add one, then send the letter again.")
    organisation = Organisation.objects.get(pk=holding_organisation_id(case))
    letter_templates_install_standard(organisation_id=organisation.pk)
    # There is one: the standard wording was installed just above where there was none.
    version = cast(
        LetterTemplateVersion,
        LetterTemplateVersion.objects.filter(template__organisation=organisation, template__kind=kind)
        .order_by("-number")
        .first(),
    )
    large_print = person.accessible_format == "large_print"
    addressed_to = _address(person)
    subject, html = rendering.render_letter_html(
        subject=version.subject,
        body=version.body,
        values=_values(case=case, person=person, organisation=organisation, extra=extra),
        addressed_to=addressed_to,
        large_print=large_print,
    )
    pdf = rendering.html_to_pdf(html)
    backend = letter_backend()
    with transaction.atomic():
        letter = Letter.objects.create(
            effect_key=effect_key,
            case=case,
            person=person,
            organisation=organisation,
            template_version=version,
            kind=kind,
            subject=subject,
            addressed_to=addressed_to,
            large_print=large_print,
            accessible_format=person.accessible_format,
            html=html,
            pdf=pdf,
            pdf_size=len(pdf),
            backend=backend.name,
            sent_at=clock.now(),
            sent_by=user,
        )
        letter.backend_reference = backend.send(letter)[:200]
        checkpoint("letters.after_send")
        letter.save(update_fields=["backend_reference"])
        audit_record(
            user=user,
            verb="letters.sent",
            obj=letter,
            case_id=case.pk,
            person_id=person.pk,
            organisation_id=organisation.pk,
            changes={
                "kind": {"before": None, "after": kind},
                "template_version": {"before": None, "after": version.number},
            },
        )
    return letter


def letters_dispose(*, case_id: int | None = None, person_id: int | None = None) -> int:
    """Delete the letters (as sent) on a case, or a person's with no case, whose records are being disposed
    of (retention). The caller has checked retention.govern_records and the appraisal, and audits the
    disposal; returns rows deleted."""
    if case_id is not None:
        return Letter.objects.filter(case_id=case_id).delete()[0]
    if person_id is None:
        raise ValueError("Say whose records: a case or a person")
    return Letter.objects.filter(person_id=person_id, case__isnull=True).delete()[0]
