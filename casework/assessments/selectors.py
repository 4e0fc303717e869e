"""Reads for assessing. Need definitions and forms hold no personal data: anyone in the initiative or the
organisation reads them. Assessments and needs are the holding organisation's alone (see policies)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet
from django.http import Http404

from casework.accounts.choices import Role
from casework.accounts.models import Initiative, Organisation, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.assessments.choices import FINISHED_NEED_STATUSES, NeedStatus
from casework.assessments.models import (
    Assessment,
    AssessmentForm,
    AssessmentFormVersion,
    Need,
    NeedDefinition,
    NeedStatusChange,
)
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.policies import holding_organisation_id
from casework.cases.selectors import case_list_visible, case_list_workable
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm


def need_definition_list_for_user(*, user: User, include_retired: bool = False) -> QuerySet[NeedDefinition]:
    """The need definitions of the initiatives the user's organisations belong to."""
    qs = NeedDefinition.objects.filter(initiative_id__in=actor_for(user).initiative_ids)
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def need_definition_get_for_user(*, user: User, definition_id: int) -> NeedDefinition:
    """One definition of the user's initiatives, retired or not; Http404 otherwise."""
    definition = (
        need_definition_list_for_user(user=user, include_retired=True).filter(pk=definition_id).first()
    )
    if definition is None:
        raise Http404("No need definition found")
    return definition


def assessment_form_list_for_organisation(
    *, organisation_id: int, include_retired: bool = False
) -> QuerySet[AssessmentForm]:
    """An organisation's forms with their newest version number (`latest_number`)."""
    qs = AssessmentForm.objects.filter(organisation_id=organisation_id).annotate(
        latest_number=Max("versions__number")
    )
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def assessment_form_list_for_user(*, user: User, include_retired: bool = False) -> QuerySet[AssessmentForm]:
    """The forms of every organisation the user belongs to (forms hold no personal data)."""
    return (
        AssessmentForm.objects.filter(organisation_id__in=actor_for(user).organisation_ids)
        .annotate(latest_number=Max("versions__number"))
        .filter(**({} if include_retired else {"retired_at__isnull": True}))
    )


def assessment_form_get_for_user(*, user: User, form_id: int) -> AssessmentForm:
    form = (
        assessment_form_list_for_user(user=user, include_retired=True)
        .select_related("organisation")
        .filter(pk=form_id)
        .first()
    )
    if form is None:
        raise Http404("No assessment form found")
    return form


def assessment_form_version(*, form: AssessmentForm, number: int | None = None) -> AssessmentFormVersion:
    """A version of the form (the newest when no number is given), else Http404."""
    qs = form.versions.all()
    version = qs.filter(number=number).first() if number is not None else qs.order_by("-number").first()
    if version is None:
        raise Http404("No such version of the form")
    return version


def assessment_forms_for_case(*, case: Case) -> QuerySet[AssessmentForm]:
    """The forms a worker may start on the case: the current forms of the organisation holding it."""

    return assessment_form_list_for_organisation(organisation_id=holding_organisation_id(case))


def assessment_list_for_case(*, user: User, case: Case) -> QuerySet[Assessment]:
    """The case's situation assessments, newest first; none unless the user may see them (the holder's
    staff)."""
    if not has_perm(user, "assessments.view_assessment", case):
        return Assessment.objects.none()
    return Assessment.objects.filter(case=case).select_related(
        "form_version__form", "created_by", "completed_by"
    )


def assessment_lines_for_case(*, user: User, case: Case, limit: int = 20) -> list[Assessment]:
    """The case page's list of assessments (as assessment_list_for_case, newest first): only what a line
    shows, the form's name as `form_name`, the status and dates; not the answers, the form's schema or the
    users."""
    return list(
        assessment_list_for_case(user=user, case=case)
        .select_related(None)
        .only("id", "case_id", "status", "started_at", "completed_at")
        .annotate(form_name=F("form_version__form__name"))[:limit]
    )


def need_lines_for_case(*, user: User, case: Case) -> list[Need]:
    """The case page's table of needs (as need_list_for_case, oldest first), with their definitions."""
    return list(need_list_for_case(user=user, case=case).select_related(None).select_related("definition"))


def assessment_get_for_user(*, user: User, assessment_id: int, purpose: str = "viewed") -> Assessment:
    """An assessment whose case the user's organisation holds, else Http404. Writes an AccessEvent."""

    assessment = (
        Assessment.objects.filter(pk=assessment_id, case__in=case_list_visible(user=user))
        .select_related(
            "case__person",
            "case__household",
            "case__risk_category",
            "form_version__form",
            "risk_category",
            "created_by",
            "completed_by",
        )
        .first()
    )
    if assessment is None:
        raise Http404("No assessment found")
    access_record(
        user=user,
        verb=f"assessments.assessment_{purpose}",
        obj=assessment,
        case_id=assessment.case_id,
        person_id=assessment.case.person_id,
    )
    return assessment


def need_list_for_case(*, user: User, case: Case) -> QuerySet[Need]:
    """The needs on a case, oldest first; none unless the user may see the case's assessments."""
    if not has_perm(user, "assessments.view_assessment", case):
        return Need.objects.none()
    return Need.objects.filter(case=case).select_related("definition", "assessment")


def need_get_for_user(*, user: User, need_id: int) -> Need:
    """A need on a case the user's organisation holds, else Http404."""

    need = (
        Need.objects.filter(pk=need_id, case__in=case_list_visible(user=user))
        .select_related("definition", "case__person", "case__household")
        .first()
    )
    if need is None:
        raise Http404("No need found")
    return need


def need_history(*, need: Need) -> QuerySet[NeedStatusChange]:
    return need.status_changes.select_related("changed_by", "organisation")


def need_counts_by_definition(*, user: User, initiative_id: int) -> dict[int, dict[str, int]]:
    """{definition id: {status: count}} across the initiative's cases: the only view of needs the lead has.

    Empty unless the user may see the initiative's counts.
    """
    if not has_perm(user, "assessments.view_need_counts", initiative_id):
        return {}
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Need.objects.filter(definition__initiative_id=initiative_id)
        .values("definition_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["definition_id"], {})[row["status"]] = row["n"]
    return counts


def needs_open_on_case(*, case: Case) -> list[Need]:
    """The needs on the case not yet finished with (for closing: not for display, so no visibility check)."""
    return list(
        Need.objects.filter(case=case).exclude(status__in=FINISHED_NEED_STATUSES).select_related("definition")
    )


def needs_found_on_case(*, case: Case) -> bool:
    """Whether the case found any need (a need recorded and not rejected as not a need)."""
    return Need.objects.filter(case=case).exclude(status=NeedStatus.REJECTED).exists()


def case_has_assessments_expression() -> Exists:
    """Whether a case has any situation assessment, as an expression on its row (read with the case by its
    page)."""
    return Exists(Assessment.objects.filter(case_id=OuterRef("pk")))


def case_has_needs_expression() -> Exists:
    """Whether a case has any need recorded, as an expression on its row (read with the case by its page)."""
    return Exists(Need.objects.filter(case_id=OuterRef("pk")))


# Queryset twins of the policies.


def case_list_assessment_visible(*, user: User) -> QuerySet[Case]:
    """Cases whose assessments and needs the user may read (twin of assessments.view_assessment)."""
    return case_list_visible(user=user)


def case_list_assessment_workable(*, user: User) -> QuerySet[Case]:
    """Cases the user may assess and record needs on (twin of assessments.work_assessment)."""
    return case_list_workable(user=user)


def assessment_form_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose assessment forms the user keeps (twin of assessments.manage_forms)."""
    return organisation_list_with_role(user=user, roles=[Role.ORG_ADMIN])


def need_definition_initiatives_for_user(*, user: User) -> QuerySet[Initiative]:
    """The initiatives whose need definitions the user keeps: an initiative admin of the lead organisation
    (twin of assessments.manage_need_definitions)."""
    admins = organisation_list_with_role(user=user, roles=[Role.INITIATIVE_ADMIN])
    return Initiative.objects.filter(lead_organisation__in=admins)


def need_count_initiatives_for_user(*, user: User) -> QuerySet[Initiative]:
    """The initiatives whose need counts the user sees: those their organisation leads, whatever their role
    (twin of assessments.view_need_counts)."""
    members = organisation_list_with_role(user=user, roles=Role.values)
    return Initiative.objects.filter(lead_organisation__in=members)


def assessments_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        ("assessments", model_rows(Assessment.objects.filter(case__person_id=person_id))),
        ("needs", model_rows(Need.objects.filter(case__person_id=person_id))),
        ("need_status_changes", model_rows(NeedStatusChange.objects.filter(need__case__person_id=person_id))),
    ]
