"""Writes for assessing: need definitions, assessment forms and their versions, situation assessments, needs.

Each is atomic, audited and version-checked; each checks its permission first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

from django.db import transaction
from django.db.models import Max

from casework.accounts.models import User
from casework.assessments import schema as form_schema
from casework.assessments.choices import (
    FINISHED_NEED_STATUSES,
    AssessmentMethod,
    AssessmentStatus,
    NeedCategory,
    NeedStatus,
)
from casework.assessments.models import (
    Assessment,
    AssessmentForm,
    AssessmentFormVersion,
    Need,
    NeedDefinition,
    NeedStatusChange,
)
from casework.audit.chain import to_json_safe
from casework.audit.services import audit_record, audited_write_if_version
from casework.careact.gates import advocacy_problem
from casework.cases.choices import CaseStatus
from casework.cases.models import Case, RiskCategory
from casework.cases.policies import holding_organisation_id
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, ValidationFailed, stale_message
from casework.core.permissions import require_perm

REFUSED = "Only the lead organisation's initiative admins keep the need definitions."
STALE = stale_message("this need definition")
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def _clean(*, initiative_id: int, name: str, category: str, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("Enter the name of the need", field="name")
    if category not in NeedCategory.values:
        raise ValidationFailed("Select the category of the need", field="category")
    same = NeedDefinition.objects.filter(initiative_id=initiative_id, name__iexact=name)
    if same.exclude(pk=exclude_pk).exists():  # type: ignore[misc]  # exclude(pk=None) excludes nothing
        raise ValidationFailed(f"There is already a need called ‘{name}’", field="name")
    return name


def need_definition_create(
    *, user: User, initiative_id: int, code: str, name: str, category: str, description: str = ""
) -> NeedDefinition:
    """Add a need definition to the initiative's common list. Audited as "assessments.need_definition_added".

    Raises PermissionRefused, ValidationFailed (naming the field) for a bad or duplicate code or name.
    """
    require_perm(user, "assessments.manage_need_definitions", initiative_id, REFUSED)
    code = code.strip().lower()
    if not _CODE.match(code):
        raise ValidationFailed(
            "Enter a code of lower-case letters, numbers and underscores, like debt_advice", field="code"
        )
    if NeedDefinition.objects.filter(initiative_id=initiative_id, code=code).exists():
        raise ValidationFailed(f"The code {code} is already used", field="code")
    name = _clean(initiative_id=initiative_id, name=name, category=category)
    with transaction.atomic():
        definition = NeedDefinition.objects.create(
            initiative_id=initiative_id,
            code=code,
            name=name,
            category=category,
            description=description.strip(),
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="assessments.need_definition_added",
            obj=definition,
            changes=to_json_safe(
                {"code": {"before": None, "after": code}, "name": {"before": None, "after": name}}
            ),
        )
    return definition


def need_definition_update(
    *, user: User, definition: NeedDefinition, version: int, name: str, category: str, description: str = ""
) -> NeedDefinition:
    """Change the name, category or description; the code stays, so exports and counts stay comparable.

    Audited as "assessments.need_definition_changed". Raises PermissionRefused, ValidationFailed,
    ConflictError.
    """
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    name = _clean(
        initiative_id=definition.initiative_id, name=name, category=category, exclude_pk=definition.pk
    )
    audited_write_if_version(
        user=user,
        obj=definition,
        version=version,
        stale_message=STALE,
        verb="assessments.need_definition_changed",
        fields={"name": name, "category": category, "description": description.strip()},
        changed_only=True,
    )
    return definition


def need_definition_retire(*, user: User, definition: NeedDefinition, version: int) -> NeedDefinition:
    """Stop offering the need for new records; needs already recorded keep it. Audited; DomainError if
    retired."""
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    if definition.is_retired:
        raise DomainError(f"‘{definition.name}’ is already retired.")
    audited_write_if_version(
        user=user,
        obj=definition,
        version=version,
        stale_message=STALE,
        verb="assessments.need_definition_retired",
        fields={"retired_at": clock.now()},
        changed_only=True,
    )
    return definition


def need_definition_reinstate(*, user: User, definition: NeedDefinition, version: int) -> NeedDefinition:
    """Offer a retired need again. Audited; DomainError if it is in use already."""
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    if not definition.is_retired:
        raise DomainError(f"‘{definition.name}’ is in use already.")
    audited_write_if_version(
        user=user,
        obj=definition,
        version=version,
        stale_message=STALE,
        verb="assessments.need_definition_reinstated",
        fields={"retired_at": None},
        changed_only=True,
    )
    return definition


# Assessment forms ------------------------------------------------------------------------------------------

FORMS_REFUSED = "Only your organisation's admins can change its assessment forms."
FORM_STALE = stale_message(
    "a new version of this form", did="saved", then="look at their version and make your change again"
)
STANDARD_FORMS_DIR = Path(__file__).parent / "standard_forms"
STANDARD_FORM_CODES = ("strengths_based", "carers", "needs_check")


def standard_form(code: str) -> dict[str, Any]:
    """A form shipped with Casework: {"code", "name", "description", "schema"}."""
    form: dict[str, Any] = json.loads((STANDARD_FORMS_DIR / f"{code}.json").read_text())
    return form


def _check_schema(schema: Any) -> None:
    problems = form_schema.schema_problems(schema)
    if problems:
        raise ValidationFailed(
            "The form has problems: " + "; ".join(str(p) for p in problems[:10]),
            field="schema",
            errors={"schema": "; ".join(str(p) for p in problems)},
        )


def _form_fields(*, organisation_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("Enter the name of the form", field="name")
    if (
        AssessmentForm.objects.filter(organisation_id=organisation_id, name__iexact=name)
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # exclude(pk=None) excludes nothing
        .exists()
    ):
        raise ValidationFailed(f"Your organisation already has a form called ‘{name}’", field="name")
    return name


def assessment_form_create(
    *,
    user: User,
    organisation_id: int,
    code: str,
    name: str,
    schema: Any,
    description: str = "",
    change_note: str = "",
) -> AssessmentForm:
    """Add a form with its first version. Audited as "assessments.form_added".

    Raises PermissionRefused; ValidationFailed for a bad code, a taken name or a schema with problems.
    """
    require_perm(user, "assessments.manage_forms", organisation_id, FORMS_REFUSED)
    code = (code or "").strip().lower()
    if not _CODE.match(code):
        raise ValidationFailed(
            "Enter a code of lower-case letters, numbers and underscores, like carers", field="code"
        )
    if AssessmentForm.objects.filter(organisation_id=organisation_id, code=code).exists():
        raise ValidationFailed(f"The code {code} is already used by another of your forms", field="code")
    name = _form_fields(organisation_id=organisation_id, name=name)
    _check_schema(schema)
    now = clock.now()
    with transaction.atomic():
        form = AssessmentForm.objects.create(
            organisation_id=organisation_id,
            code=code,
            name=name,
            description=(description or "").strip(),
            created_by=user,
            modified_by=user,
        )
        AssessmentFormVersion.objects.create(
            form=form,
            number=1,
            schema=schema,
            change_note=change_note.strip(),
            created_at=now,
            created_by=user,
        )
        audit_record(
            user=user,
            verb="assessments.form_added",
            obj=form,
            organisation_id=organisation_id,
            changes={
                "code": {"before": None, "after": code},
                "name": {"before": None, "after": name},
                "version": {"before": None, "after": 1},
            },
        )
    return form


def assessment_forms_install_standard(*, user: User, organisation_id: int) -> list[AssessmentForm]:
    """Add the shipped forms (strengths-based assessment, carer's assessment, short needs check) the
    organisation does not have yet, by code. Returns those added; adding twice adds nothing."""
    require_perm(user, "assessments.manage_forms", organisation_id, FORMS_REFUSED)
    return standard_forms_install(organisation_id=organisation_id, user=user)


def standard_forms_install(*, organisation_id: int, user: User | None = None) -> list[AssessmentForm]:
    """The shipped forms an organisation lacks, added without a permission check: for the organisation admin's
    service above, and for set-up by IT (`manage.py install_assessment_forms`, the demo), audited as the
    system."""
    have = set(AssessmentForm.objects.filter(organisation_id=organisation_id).values_list("code", flat=True))
    added = []
    now = clock.now()
    for code in STANDARD_FORM_CODES:
        if code in have:
            continue
        shipped = standard_form(code)
        with transaction.atomic():
            form = AssessmentForm.objects.create(
                organisation_id=organisation_id,
                code=code,
                name=shipped["name"],
                description=shipped["description"],
                created_by=user,
                modified_by=user,
            )
            AssessmentFormVersion.objects.create(
                form=form,
                number=1,
                schema=shipped["schema"],
                created_at=now,
                change_note="The form as shipped with Casework",
                created_by=user,
            )
            audit_record(
                user=user,
                verb="assessments.form_added",
                obj=form,
                organisation_id=organisation_id,
                changes={"code": {"before": None, "after": code}, "version": {"before": None, "after": 1}},
                reason="Standard form installed",
            )
        added.append(form)
    return added


def assessment_form_revise(
    *,
    user: User,
    form: AssessmentForm,
    based_on: int,
    schema: Any,
    name: str,
    description: str = "",
    change_note: str = "",
) -> AssessmentFormVersion:
    """Save a new version of the form. Assessments made with earlier versions keep theirs and stay readable.

    `based_on` is the version number the admin started from: if someone has saved a newer one since, nothing
    is saved (ConflictError). Audited as "assessments.form_revised".
    """

    require_perm(user, "assessments.manage_forms", form.organisation_id, FORMS_REFUSED)
    name = _form_fields(organisation_id=form.organisation_id, name=name, exclude_pk=form.pk)
    _check_schema(schema)
    with transaction.atomic():
        locked = AssessmentForm.objects.select_for_update().get(pk=form.pk)
        latest = locked.versions.aggregate(n=Max("number"))["n"] or 0
        if latest != based_on:
            raise ConflictError(FORM_STALE)
        version = AssessmentFormVersion.objects.create(
            form=form,
            number=latest + 1,
            schema=schema,
            change_note=(change_note or "").strip(),
            created_at=clock.now(),
            created_by=user,
        )
        changes = {"version": {"before": latest, "after": latest + 1}}
        description = (description or "").strip()
        if (name, description) != (form.name, form.description):
            changes.update({"name": {"before": form.name, "after": name}})
            form.name, form.description, form.modified_by = name, description, user
            form.save(update_fields=["name", "description", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="assessments.form_revised",
            obj=form,
            organisation_id=form.organisation_id,
            changes=changes,
            reason=change_note,
        )
    return version


def assessment_form_set_retired(*, user: User, form: AssessmentForm, retired: bool) -> AssessmentForm:
    """Stop offering a form for new assessments, or offer it again. Assessments made with it are kept."""
    require_perm(user, "assessments.manage_forms", form.organisation_id, FORMS_REFUSED)
    if retired == (form.retired_at is not None):
        raise DomainError(f"‘{form.name}’ is {'already retired' if retired else 'in use already'}.")
    with transaction.atomic():
        before = form.retired_at
        form.retired_at, form.modified_by = (clock.now() if retired else None), user
        form.save(update_fields=["retired_at", "modified_by", "modified_at"])
        audit_record(
            user=user,
            verb="assessments.form_retired" if retired else "assessments.form_reinstated",
            obj=form,
            organisation_id=form.organisation_id,
            changes=to_json_safe({"retired_at": {"before": before, "after": form.retired_at}}),
        )
    return form


# Situation assessments -------------------------------------------------------------------------------------

ASSESSMENT_STALE = stale_message("this assessment", did="saved", then="check their changes and try again")


def _require_assessing(user: User, case: Case) -> None:
    require_perm(
        user,
        "assessments.work_assessment",
        case,
        "Only the case's workers and team managers can assess."
        if case.is_open
        else "This case is closed: raise a new case to assess the person again.",
    )


def assessment_start(*, user: User, case: Case, form: AssessmentForm, method: str) -> Assessment:
    """Start a situation assessment on an active case with the newest version of one of the responsible
    organisation's forms. Audited as "assessments.assessment_started".

    Raises PermissionRefused; DomainError when the case is not active or the form is not offered for it.
    """

    _require_assessing(user, case)
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("Accept the case, or take it off hold, before assessing.")
    organisation_id = holding_organisation_id(case)
    if form.organisation_id != organisation_id or form.retired_at is not None:
        raise ValidationFailed("Select one of your organisation's assessment forms", field="form")
    if method not in AssessmentMethod.values:
        raise ValidationFailed("Select how the assessment is being carried out", field="method")

    # Care Act s67: whether the person needs an independent advocate is decided before an assessment starts.
    problem = advocacy_problem(case=case, activity="assessment")
    if problem:
        raise DomainError(problem, field="form")
    # A form is made with its first version (assessment_form_create).
    version = cast(AssessmentFormVersion, form.versions.order_by("-number").first())
    now = clock.now()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            organisation_id=organisation_id,
            form_version=version,
            method=method,
            risk_category_id=case.risk_category_id,
            started_at=now,
            created_by=user,
            modified_by=user,
        )
        audit_record(
            user=user,
            verb="assessments.assessment_started",
            obj=assessment,
            case_id=case.pk,
            person_id=case.person_id,
            changes={
                "form": {"before": None, "after": form.code},
                "form_version": {"before": None, "after": version.number},
            },
        )
    return assessment


def _assessment_fields(
    assessment: Assessment,
    *,
    answers: Any,
    situation: str,
    response: str,
    method: str,
    risk_category_id: int | None,
    privacy_notice_given: bool,
    complete: bool,
) -> dict[str, Any]:
    kept, errors = form_schema.clean_answers(assessment.form_version.schema, answers, complete=complete)
    situation, response = (situation or "").strip(), (response or "").strip()
    if method not in AssessmentMethod.values:
        errors["method"] = "Select how the assessment is being carried out"
    if complete and not situation:
        errors["situation"] = "Enter a summary of the person's situation"
    if complete and not privacy_notice_given:
        errors["privacy_notice_given"] = "Confirm the person has been given the privacy notice"
    if risk_category_id is not None:
        if not RiskCategory.objects.filter(
            pk=risk_category_id, initiative_id=assessment.case.initiative_id
        ).exists():
            errors["risk_category"] = "Select one of the initiative's risk categories"
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(
            first if len(errors) == 1 else f"{len(errors)} answers need attention: {first}",
            field=next(iter(errors)),
            errors=errors,
        )
    return {
        "answers": kept,
        "situation": situation,
        "response": response,
        "method": method,
        "risk_category_id": risk_category_id,
        "privacy_notice_given": bool(privacy_notice_given),
    }


def assessment_save(
    *,
    user: User,
    assessment: Assessment,
    version: int,
    answers: Any,
    situation: str = "",
    response: str = "",
    method: str | None = None,
    risk_category_id: int | None = None,
    privacy_notice_given: bool = False,
    complete: bool = False,
) -> Assessment:
    """Save the answers (a draft may be partial) or, with `complete`, complete the assessment.

    Answers are checked against the form version the assessment was started with: ValidationFailed names each
    question (`errors`). Completing needs every required question asked, the situation summary and the privacy
    notice. A completed assessment is not changed: start another. Raises ConflictError on a stale `version`.
    Audited as "assessments.assessment_saved" or "assessments.assessment_completed".
    """
    _require_assessing(user, assessment.case)
    if assessment.is_completed:
        raise DomainError("This assessment is completed and cannot be changed: start a new assessment.")
    fields = _assessment_fields(
        assessment,
        answers=answers,
        situation=situation,
        response=response,
        method=method or assessment.method,
        risk_category_id=risk_category_id,
        privacy_notice_given=privacy_notice_given,
        complete=complete,
    )
    if complete:
        fields.update(status=AssessmentStatus.COMPLETED, completed_at=clock.now(), completed_by=user)
    with transaction.atomic():
        changes = assessment.write_if_version(
            version=version, fields=fields, user=user, stale_message=ASSESSMENT_STALE
        )
        changed = sorted(
            k for k in fields["answers"] if changes["answers"]["before"].get(k) != fields["answers"][k]
        )
        removed = sorted(set(changes["answers"]["before"]) - set(fields["answers"]))
        # The audit names which answers changed, not what they say: the answers are in the assessment itself.
        summary: dict[str, Any] = {"answers_changed": {"before": None, "after": changed + removed}}
        for name in ("status", "method", "risk_category_id", "privacy_notice_given"):
            if name in changes and changes[name]["before"] != changes[name]["after"]:
                summary[name] = changes[name]
        for name in ("situation", "response"):
            if changes[name]["before"] != changes[name]["after"]:
                summary[name] = {"before": None, "after": "changed"}
        audit_record(
            user=user,
            verb="assessments.assessment_completed" if complete else "assessments.assessment_saved",
            obj=assessment,
            case_id=assessment.case_id,
            person_id=assessment.case.person_id,
            changes=to_json_safe(summary),
        )
    return assessment


# Needs -----------------------------------------------------------------------------------------------------

NEED_STALE = stale_message("this need")


def need_record(
    *,
    user: User,
    case: Case,
    definition: NeedDefinition,
    note: str = "",
    status: str = NeedStatus.IDENTIFIED,
    assessment: Assessment | None = None,
) -> Need:
    """Record a need on the case against one of the initiative's current need definitions.

    Refuses the same need twice while the first is still open. Audited as "assessments.need_recorded".
    """
    _require_assessing(user, case)
    if definition.initiative_id != case.initiative_id or definition.is_retired:
        raise ValidationFailed("Select one of the initiative's current needs", field="definition")
    if status not in NeedStatus.values:
        raise ValidationFailed("Select the status of the need", field="status")
    if assessment is not None and assessment.case_id != case.pk:
        raise ValidationFailed("That assessment is about another case", field="assessment")

    if (
        Need.objects.filter(case=case, definition=definition)
        .exclude(status__in=FINISHED_NEED_STATUSES)
        .exists()
    ):
        raise ValidationFailed(
            f"‘{definition.name}’ is already recorded on this case: update that need instead",
            field="definition",
        )

    now = clock.now()
    with transaction.atomic():
        need = Need.objects.create(
            case=case,
            definition=definition,
            assessment=assessment,
            note=(note or "").strip(),
            status=status,
            status_changed_at=now,
            created_by=user,
            modified_by=user,
        )
        NeedStatusChange.objects.create(
            need=need,
            from_status="",
            to_status=status,
            note=need.note,
            changed_at=now,
            changed_by=user,
            organisation_id=holding_organisation_id(case),
        )
        audit_record(
            user=user,
            verb="assessments.need_recorded",
            obj=need,
            case_id=case.pk,
            person_id=case.person_id,
            changes={
                "definition": {"before": None, "after": definition.code},
                "status": {"before": None, "after": status},
            },
        )
    return need


def need_status_record(
    *, user: User, need: Need, version: int, status: str, note: str = "", organisation_id: int | None
) -> Need:
    """Change a need's status and keep the history. For callers that have checked the user's permission
    themselves: need_update (the responsible organisation) and the referrals services (a delivery organisation
    working the need). Raises ValidationFailed, ConflictError. Audited as
    "assessments.need_status_changed"."""
    if status not in NeedStatus.values:
        raise ValidationFailed("Select the status of the need", field="status")
    note = (note or "").strip()
    if status == need.status and not note:
        raise ValidationFailed(
            f"The need is already {need.get_status_display().lower()}: add a note to say more", field="status"
        )
    now = clock.now()
    with transaction.atomic():
        before = need.status
        fields: dict[str, Any] = {"status": status}
        if status != before:
            fields["status_changed_at"] = now
        need.write_if_version(version=version, fields=fields, user=user, stale_message=NEED_STALE)
        NeedStatusChange.objects.create(
            need=need,
            from_status=before,
            to_status=status,
            note=note,
            changed_at=now,
            changed_by=user,
            organisation_id=organisation_id,
        )
        audit_record(
            user=user,
            verb="assessments.need_status_changed",
            obj=need,
            case_id=need.case_id,
            person_id=need.case.person_id,
            organisation_id=organisation_id,
            changes={"status": {"before": before, "after": status}},
            reason=note,
        )
    return need


def need_update(*, user: User, need: Need, version: int, status: str, note: str = "") -> Need:
    """The responsible organisation changes a need's status, with a note. See need_status_record."""

    _require_assessing(user, need.case)
    return need_status_record(
        user=user,
        need=need,
        version=version,
        status=status,
        note=note,
        organisation_id=holding_organisation_id(need.case),
    )


def assessments_dispose(*, case_id: int) -> int:
    """Delete a case's needs (with their status history) and its assessments, whose records are being disposed
    of (retention). Needs first: they refer to the assessment that found them.
    Only retention calls it, having checked the permission, the appraisal and holds, and it audits the
    disposal. Returns rows deleted, in a constant number of queries."""
    deleted = Need.objects.filter(case_id=case_id).delete()[0]
    return deleted + Assessment.objects.filter(case_id=case_id).delete()[0]
