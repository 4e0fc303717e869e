"""Assessing in the API: need definitions (read), assessment forms and versions, situation assessments with
answers checked against their form version, needs and their statuses. The same services and rules as the
pages."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from casework.assessments import selectors, services
from casework.assessments.choices import AssessmentMethod, NeedStatus
from casework.cases.selectors import case_get_for_user
from casework.core import limits
from casework.core.api import (
    Id,
    InputSchema,
    Note,
    Text,
    Version,
    etag,
    expected_version,
    one_of,
)
from casework.core.errors import PermissionRefused, ValidationFailed
from casework.core.permissions import has_perm

router = Router(tags=["assessments"])


class NeedDefinitionOut(Schema):
    id: int
    initiative_id: int
    code: str
    name: str
    description: str
    category: str
    retired_at: datetime.datetime | None


@router.get(
    "/need-definitions",
    response=list[NeedDefinitionOut],
    summary="The need definitions of your initiatives (retired ones with include_retired=true)",
)
def need_definitions(request, include_retired: bool = False):
    return list(
        selectors.need_definition_list_for_user(user=request.user, include_retired=include_retired).order_by(
            "initiative_id", "category", "name"
        )[:1000]
    )


# Assessment forms ------------------------------------------------------------------------------------------


class FormOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    description: str
    latest_version: int | None
    retired_at: datetime.datetime | None


class FormVersionOut(Schema):
    form_id: int
    number: int
    schema_: dict = Field(alias="schema", serialization_alias="schema")
    change_note: str
    created_at: datetime.datetime


class FormIn(InputSchema):
    code: str = Field(max_length=50)
    name: str = Field(max_length=120)
    description: Note = ""
    schema_: dict = Field(alias="schema", max_length=limits.MAX_ANSWERS)
    change_note: str = Field("", max_length=500)


class FormRevisionIn(InputSchema):
    based_on: Version = Field(description="The version number you changed; 409 if someone saved a newer one")
    name: str = Field(max_length=120)
    description: Note = ""
    schema_: dict = Field(alias="schema", max_length=limits.MAX_ANSWERS)
    change_note: str = Field("", max_length=500)


def _form_out(form) -> dict:
    return {
        "id": form.pk,
        "organisation_id": form.organisation_id,
        "code": form.code,
        "name": form.name,
        "description": form.description,
        "latest_version": getattr(form, "latest_number", None),
        "retired_at": form.retired_at,
    }


def _version_out(version) -> dict:
    return {
        "form_id": version.form_id,
        "number": version.number,
        "schema": version.schema,
        "change_note": version.change_note,
        "created_at": version.created_at,
    }


@router.get("/forms", response=list[FormOut], summary="The assessment forms of your organisations")
def forms(request, include_retired: bool = False):
    return [
        _form_out(f)
        for f in selectors.assessment_form_list_for_user(
            user=request.user, include_retired=include_retired
        ).order_by("organisation_id", "name")[:500]
    ]


@router.post(
    "/forms", response={201: FormOut}, summary="Add a form with its first version (organisation admins)"
)
def form_create(request, payload: FormIn, organisation_id: Id):
    form = services.assessment_form_create(
        user=request.user,
        organisation_id=organisation_id,
        code=payload.code,
        name=payload.name,
        description=payload.description,
        schema=payload.schema_,
        change_note=payload.change_note,
    )
    form.latest_number = 1
    return Status(201, _form_out(form))


@router.get(
    "/forms/{form_id}/versions/{number}",
    response=FormVersionOut,
    by_alias=True,
    summary="One version of a form: what assessments made with it were asked",
)
def form_version(request, form_id: Id, number: Version):
    form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    return _version_out(selectors.assessment_form_version(form=form, number=number))


@router.get(
    "/forms/{form_id}",
    response=FormVersionOut,
    by_alias=True,
    summary="The newest version of a form, with its sections and questions",
)
def form_detail(request, form_id: Id):
    form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    return _version_out(selectors.assessment_form_version(form=form))


@router.post(
    "/forms/{form_id}/versions",
    response={201: FormVersionOut},
    by_alias=True,
    summary="Save a new version of a form (organisation admins)",
)
def form_revise(request, form_id: Id, payload: FormRevisionIn):
    form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    version = services.assessment_form_revise(
        user=request.user,
        form=form,
        based_on=payload.based_on,
        schema=payload.schema_,
        name=payload.name,
        description=payload.description,
        change_note=payload.change_note,
    )
    return Status(201, _version_out(version))


class NeedCountOut(Schema):
    definition_id: int
    code: str
    name: str
    counts: dict[str, int]


@router.get(
    "/need-counts",
    response=list[NeedCountOut],
    summary="Counts of needs by definition and status across an initiative (its lead organisation only)",
)
def need_counts(request, initiative_id: Id):
    if not has_perm(request.user, "assessments.view_need_counts", initiative_id):
        raise PermissionRefused("Only the initiative's lead organisation sees counts of needs.")
    counts = selectors.need_counts_by_definition(user=request.user, initiative_id=initiative_id)
    definitions = selectors.need_definition_list_for_user(user=request.user, include_retired=True).filter(
        initiative_id=initiative_id
    )
    return [
        {"definition_id": d.pk, "code": d.code, "name": d.name, "counts": counts.get(d.pk, {})}
        for d in definitions
    ]


# Situation assessments -------------------------------------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    case_id: int
    form_id: int
    form_code: str
    form_version: int
    status: str
    method: str
    answers: dict
    situation: str
    response: str
    risk_category_id: int | None
    privacy_notice_given: bool
    started_at: datetime.datetime
    completed_at: datetime.datetime | None
    version: int


class AssessmentStartIn(InputSchema):
    form_id: Id
    method: one_of(AssessmentMethod)


class AnswersIn(InputSchema):
    answers: dict = Field(
        max_length=limits.MAX_ANSWERS,
        description="{question id: answer}: text and choices as strings, dates as "
        "YYYY-MM-DD, yes/no as true or false",
    )
    situation: Text = ""
    response: Text = ""
    method: one_of(AssessmentMethod, blank=True) | None = Field(None, description="Unchanged if not given")
    risk_category_id: Id | None = None
    privacy_notice_given: bool = False
    version: Version | None = Field(None, description="The version you last read (or send If-Match)")


def _assessment_out(a) -> dict:
    return {
        "id": a.pk,
        "case_id": a.case_id,
        "form_id": a.form_version.form_id,
        "form_code": a.form_version.form.code,
        "form_version": a.form_version.number,
        "status": a.status,
        "method": a.method,
        "answers": a.answers,
        "situation": a.situation,
        "response": a.response,
        "risk_category_id": a.risk_category_id,
        "privacy_notice_given": a.privacy_notice_given,
        "started_at": a.started_at,
        "completed_at": a.completed_at,
        "version": a.version,
    }


def _case(request, case_id: int):
    return case_get_for_user(user=request.user, case_id=case_id)


@router.get(
    "/cases/{case_id}/assessments",
    response=list[AssessmentOut],
    summary="A case's situation assessments (the responsible organisation's staff only)",
)
def case_assessments(request, case_id: Id):
    return [
        _assessment_out(a)
        for a in selectors.assessment_list_for_case(user=request.user, case=_case(request, case_id))[:200]
    ]


@router.post(
    "/cases/{case_id}/assessments",
    response={201: AssessmentOut},
    summary="Start an assessment with the newest version of one of your organisation's forms",
)
def assessment_start(request, case_id: Id, payload: AssessmentStartIn):
    case = _case(request, case_id)
    form = selectors.assessment_forms_for_case(case=case).filter(pk=payload.form_id).first()
    if form is None:
        raise ValidationFailed("Select one of your organisation's assessment forms", field="form_id")
    return Status(
        201,
        _assessment_out(
            services.assessment_start(user=request.user, case=case, form=form, method=payload.method)
        ),
    )


@router.get("/{assessment_id}", response=AssessmentOut, summary="One assessment, with its answers")
def assessment_detail(request, assessment_id: Id, response: HttpResponse):
    assessment = selectors.assessment_get_for_user(user=request.user, assessment_id=assessment_id)
    response["ETag"] = etag(assessment.version)
    return _assessment_out(assessment)


def _save(request, assessment_id: int, payload: AnswersIn, complete: bool):
    assessment = selectors.assessment_get_for_user(
        user=request.user, assessment_id=assessment_id, purpose="changed"
    )
    services.assessment_save(
        user=request.user,
        assessment=assessment,
        version=expected_version(request, payload.version),
        answers=payload.answers,
        situation=payload.situation,
        response=payload.response,
        method=payload.method,
        risk_category_id=payload.risk_category_id,
        privacy_notice_given=payload.privacy_notice_given,
        complete=complete,
    )
    return _assessment_out(assessment)


@router.put(
    "/{assessment_id}",
    response=AssessmentOut,
    summary="Save the answers as a draft; 422 names each bad answer by question id",
)
def assessment_save(request, assessment_id: Id, payload: AnswersIn):
    return _save(request, assessment_id, payload, complete=False)


@router.post(
    "/{assessment_id}/complete",
    response=AssessmentOut,
    summary="Complete the assessment: every required question, the situation and the privacy notice",
)
def assessment_complete(request, assessment_id: Id, payload: AnswersIn):
    return _save(request, assessment_id, payload, complete=True)


# Needs ---------------------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    case_id: int
    definition_id: int
    definition_code: str
    assessment_id: int | None
    status: str
    note: str
    status_changed_at: datetime.datetime
    version: int


class NeedIn(InputSchema):
    definition_id: Id
    note: Note = ""
    status: one_of(NeedStatus) = "identified"
    assessment_id: Id | None = None


class NeedStatusIn(InputSchema):
    status: one_of(NeedStatus)
    note: Note = ""
    version: Version | None = None


def _need_out(n) -> dict:
    return {
        "id": n.pk,
        "case_id": n.case_id,
        "definition_id": n.definition_id,
        "definition_code": n.definition.code,
        "assessment_id": n.assessment_id,
        "status": n.status,
        "note": n.note,
        "status_changed_at": n.status_changed_at,
        "version": n.version,
    }


@router.get("/cases/{case_id}/needs", response=list[NeedOut], summary="The needs recorded on a case")
def case_needs(request, case_id: Id):
    return [
        _need_out(n) for n in selectors.need_list_for_case(user=request.user, case=_case(request, case_id))
    ]


@router.post(
    "/cases/{case_id}/needs", response={201: NeedOut}, summary="Record a need against a need definition"
)
def need_record(request, case_id: Id, payload: NeedIn):
    case = _case(request, case_id)
    definition = (
        selectors.need_definition_list_for_user(user=request.user, include_retired=True)
        .filter(pk=payload.definition_id)
        .first()
    )
    if definition is None:
        raise ValidationFailed("Select one of the initiative's current needs", field="definition_id")
    assessment = None
    if payload.assessment_id is not None:
        assessment = (
            selectors.assessment_list_for_case(user=request.user, case=case)
            .filter(pk=payload.assessment_id)
            .first()
        )
        if assessment is None:
            raise ValidationFailed("That assessment is not on this case", field="assessment_id")
    return Status(
        201,
        _need_out(
            services.need_record(
                user=request.user,
                case=case,
                definition=definition,
                note=payload.note,
                status=payload.status,
                assessment=assessment,
            )
        ),
    )


@router.post("/needs/{need_id}/status", response=NeedOut, summary="Change a need's status, with a note")
def need_status(request, need_id: Id, payload: NeedStatusIn):
    need = selectors.need_get_for_user(user=request.user, need_id=need_id)
    services.need_update(
        user=request.user,
        need=need,
        version=expected_version(request, payload.version),
        status=payload.status,
        note=payload.note,
    )
    return _need_out(need)
