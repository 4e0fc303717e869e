"""Assessing pages: need definitions (the lead's initiative admins), assessment forms (organisation admins),
situation assessments and needs on a case (its workers)."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts.pages import admin_organisation_id
from casework.accounts.selectors import actor_for
from casework.assessments import selectors, services
from casework.assessments.choices import FINISHED_NEED_STATUSES
from casework.assessments.forms import (
    ANSWER_PREFIX,
    AssessmentAnswersForm,
    AssessmentFormEditForm,
    AssessmentStartForm,
    NeedDefinitionForm,
    NeedRecordForm,
    NeedUpdateForm,
)
from casework.assessments.schema import answer_display
from casework.cases.selectors import case_get_for_user, risk_categories_for
from casework.core import limits
from casework.core.pages import paginate, require_page_perm, run_action_service, run_form_service
from casework.core.permissions import has_perm


def _initiative_id(user) -> int:
    """The initiative whose need definitions the user keeps."""
    for initiative_id in sorted(actor_for(user).lead_of_initiative_ids):
        if has_perm(user, "assessments.manage_need_definitions", initiative_id):
            return initiative_id
    raise PermissionDenied(services.REFUSED)


def need_definitions(request):
    initiative_id = _initiative_id(request.user)
    qs = (
        selectors.need_definition_list_for_user(user=request.user, include_retired=True)
        .filter(initiative_id=initiative_id)
        .order_by("retired_at", "category", "name")
    )
    page, page_range = paginate(request, qs, per_page=50)
    counts = selectors.need_counts_by_definition(user=request.user, initiative_id=initiative_id)
    for definition in page.object_list:
        definition.counts = counts.get(definition.pk, {})
        definition.open_count = sum(
            n for status, n in definition.counts.items() if status not in FINISHED_NEED_STATUSES
        )
        definition.total_count = sum(definition.counts.values())
    return render(request, "assessments/need_definitions.html", {"page": page, "page_range": page_range})


def need_definition_add(request):
    initiative_id = _initiative_id(request.user)
    form = NeedDefinitionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.need_definition_create(
                user=request.user,
                initiative_id=initiative_id,
                code=data["code"],
                name=data["name"],
                category=data["category"],
                description=data["description"],
            ),
            lambda: f"‘{form.cleaned_data['name']}’ has been added.",
        )
    ):
        return redirect("assessments:need_definitions")
    return render(request, "assessments/need_definition_form.html", {"form": form, "definition": None})


def need_definition_edit(request, definition_id: int):
    definition = selectors.need_definition_get_for_user(user=request.user, definition_id=definition_id)
    require_page_perm(
        request.user, "assessments.manage_need_definitions", definition.initiative_id, services.REFUSED
    )
    form = NeedDefinitionForm(
        request.POST or None,
        editing=True,
        initial={
            "name": definition.name,
            "category": definition.category,
            "description": definition.description,
            "version": definition.version,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.need_definition_update(
                user=request.user,
                definition=definition,
                version=data["version"] or 0,
                name=data["name"],
                category=data["category"],
                description=data["description"],
            ),
            lambda: f"‘{form.cleaned_data['name']}’ has been saved.",
        )
    ):
        return redirect("assessments:need_definitions")
    return render(request, "assessments/need_definition_form.html", {"form": form, "definition": definition})


@require_POST
def need_definition_retire(request, definition_id: int):
    definition = selectors.need_definition_get_for_user(user=request.user, definition_id=definition_id)
    version = limits.id_from(request.POST.get("version")) or 0
    service = (
        services.need_definition_reinstate
        if request.POST.get("action") == "reinstate"
        else services.need_definition_retire
    )
    run_action_service(
        request,
        lambda: service(user=request.user, definition=definition, version=version),
        lambda: f"‘{definition.name}’ has been {'retired' if definition.is_retired else 'reinstated'}.",
    )
    return redirect("assessments:need_definitions")


# Assessment forms (organisation admins) ---------------------------------------------------------------------


def _admin_organisation_id(user) -> int:
    return admin_organisation_id(user, services.FORMS_REFUSED)


def assessment_forms(request):
    organisation_id = _admin_organisation_id(request.user)
    forms = list(
        selectors.assessment_form_list_for_organisation(
            organisation_id=organisation_id, include_retired=True
        ).order_by("retired_at", "name")
    )
    missing = [code for code in services.STANDARD_FORM_CODES if code not in {f.code for f in forms}]
    return render(request, "assessments/assessment_forms.html", {"forms": forms, "missing_standard": missing})


@require_POST
def assessment_forms_install(request):
    organisation_id = _admin_organisation_id(request.user)

    added = services.assessment_forms_install_standard(user=request.user, organisation_id=organisation_id)
    messages.success(request, f"Added {len(added)} standard form{'s' if len(added) != 1 else ''}.")
    return redirect("assessments:assessment_forms")


def _pretty(schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False)


NEW_FORM_SCHEMA = {
    "sections": [
        {
            "id": "about",
            "title": "About the person",
            "questions": [
                {
                    "id": "own_words",
                    "label": "What is happening in your life at the moment?",
                    "type": "long_text",
                    "required": True,
                }
            ],
        }
    ]
}


def assessment_form_add(request):
    organisation_id = _admin_organisation_id(request.user)
    form = AssessmentFormEditForm(request.POST or None, initial={"schema": _pretty(NEW_FORM_SCHEMA)})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.assessment_form_create(
                user=request.user,
                organisation_id=organisation_id,
                code=data["code"],
                name=data["name"],
                description=data["description"],
                schema=data["schema"],
                change_note=data["change_note"],
            ),
            lambda: f"‘{form.cleaned_data['name']}’ has been added.",
        )
    ):
        return redirect("assessments:assessment_forms")
    return render(request, "assessments/assessment_form_edit.html", {"form": form, "assessment_form": None})


def assessment_form_detail(request, form_id: int, number: int | None = None):
    assessment_form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    version = selectors.assessment_form_version(form=assessment_form, number=number)
    preview = AssessmentAnswersForm(schema=version.schema, risk_categories=[], auto_id="preview-%s")
    return render(
        request,
        "assessments/assessment_form_detail.html",
        {
            "assessment_form": assessment_form,
            "version": version,
            "preview_sections": preview.bound_sections(),
            "versions": assessment_form.versions.select_related("created_by"),
            "can_manage": has_perm(request.user, "assessments.manage_forms", assessment_form.organisation_id),
        },
    )


def assessment_form_edit(request, form_id: int):
    assessment_form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    require_page_perm(
        request.user, "assessments.manage_forms", assessment_form.organisation_id, services.FORMS_REFUSED
    )
    latest = selectors.assessment_form_version(form=assessment_form)
    form = AssessmentFormEditForm(
        request.POST or None,
        editing=True,
        initial={
            "name": assessment_form.name,
            "description": assessment_form.description,
            "schema": _pretty(latest.schema),
            "based_on": latest.number,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda data: services.assessment_form_revise(
                user=request.user,
                form=assessment_form,
                based_on=data["based_on"] or 0,
                schema=data["schema"],
                name=data["name"],
                description=data["description"],
                change_note=data["change_note"],
            ),
            lambda: f"‘{form.cleaned_data['name']}’ has a new version.",
        )
    ):
        return redirect("assessments:assessment_form_detail", form_id=assessment_form.pk)
    return render(
        request, "assessments/assessment_form_edit.html", {"form": form, "assessment_form": assessment_form}
    )


@require_POST
def assessment_form_retire(request, form_id: int):
    assessment_form = selectors.assessment_form_get_for_user(user=request.user, form_id=form_id)
    retire = request.POST.get("action") != "reinstate"
    run_action_service(
        request,
        lambda: services.assessment_form_set_retired(user=request.user, form=assessment_form, retired=retire),
        f"‘{assessment_form.name}’ has been {'retired' if retire else 'reinstated'}.",
    )
    return redirect("assessments:assessment_forms")


# Situation assessments on a case ----------------------------------------------------------------------------


def _case(request, case_id: int):
    return case_get_for_user(user=request.user, case_id=case_id)


def assessment_start(request, case_id: int):
    case = _case(request, case_id)
    require_page_perm(
        request.user,
        "assessments.work_assessment",
        case,
        "Only the case's workers and team managers can assess.",
    )
    offered = list(selectors.assessment_forms_for_case(case=case))
    form = AssessmentStartForm(request.POST or None, form_choices=[(f.pk, f.name) for f in offered])
    descriptions = {f.pk: f.description for f in offered}
    if request.method == "POST" and form.is_valid():
        chosen = next(f for f in offered if f.pk == form.cleaned_data["form"])
        started = []
        if run_form_service(
            request,
            form,
            lambda data: started.append(
                services.assessment_start(user=request.user, case=case, form=chosen, method=data["method"])
            ),
            f"{chosen.name} started.",
        ):
            return redirect("assessments:assessment_edit", assessment_id=started[0].pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {"case": case, "form": form, "descriptions": descriptions, "offered": offered},
    )


def _answers_form(request, assessment, data=None):
    return AssessmentAnswersForm(
        data,
        schema=assessment.form_version.schema,
        risk_categories=risk_categories_for(initiative_id=assessment.case.initiative_id),
        initial=AssessmentAnswersForm.initial_for(assessment),
    )


def assessment_edit(request, assessment_id: int):
    assessment = selectors.assessment_get_for_user(user=request.user, assessment_id=assessment_id)
    require_page_perm(
        request.user,
        "assessments.work_assessment",
        assessment.case,
        "Only the case's workers and team managers can assess.",
    )
    if assessment.is_completed:
        return redirect(assessment)
    form = _answers_form(request, assessment, request.POST or None)
    complete = request.POST.get("action") == "complete"
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.assessment_save(
                user=request.user,
                assessment=assessment,
                version=d["version"],
                answers=form.answers(),
                situation=d["situation"],
                response=d["response"],
                method=d["method"],
                risk_category_id=d["risk_category"],
                privacy_notice_given=d["privacy_notice_given"],
                complete=complete,
            ),
            "The assessment is complete." if complete else "Your answers have been saved.",
            # The service names an answer by its key; the form's field for it carries a prefix.
            {
                name.removeprefix(ANSWER_PREFIX): name
                for name in form.fields
                if name.startswith(ANSWER_PREFIX)
            },
        )
    ):
        return redirect(
            assessment if complete else "assessments:assessment_edit",
            **({} if complete else {"assessment_id": assessment.pk}),
        )
    return render(
        request,
        "assessments/assessment_edit.html",
        {"assessment": assessment, "case": assessment.case, "form": form, "sections": form.bound_sections()},
    )


def assessment_detail(request, assessment_id: int):
    assessment = selectors.assessment_get_for_user(user=request.user, assessment_id=assessment_id)
    answers = assessment.answers
    sections = [
        {
            "title": section["title"],
            "rows": [
                {"label": q["label"], "value": answer_display(q, answers.get(q["id"]))}
                for q in section["questions"]
                if q["id"] in answers
            ],
        }
        for section in assessment.form_version.schema["sections"]
    ]
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "case": assessment.case,
            "sections": sections,
            "needs": list(assessment.needs.select_related("definition")),
            "can_work": has_perm(request.user, "assessments.work_assessment", assessment.case),
        },
    )


# Needs ---------------------------------------------------------------------------------------------------


def need_add(request, case_id: int):
    case = _case(request, case_id)
    require_page_perm(
        request.user,
        "assessments.work_assessment",
        case,
        "Only the case's workers and team managers can record needs.",
    )
    assessment = None
    assessment_id = limits.id_from(request.GET.get("assessment") or request.POST.get("assessment"))
    if assessment_id:
        assessment = (
            selectors.assessment_list_for_case(user=request.user, case=case).filter(pk=assessment_id).first()
        )
    definitions = selectors.need_definition_list_for_user(user=request.user).filter(
        initiative_id=case.initiative_id
    )
    form = NeedRecordForm(request.POST or None, definitions=list(definitions))
    if request.method == "POST" and form.is_valid():
        definition = definitions.get(pk=form.cleaned_data["definition"])
        if run_form_service(
            request,
            form,
            lambda data: services.need_record(
                user=request.user,
                case=case,
                definition=definition,
                note=data["note"],
                status=data["status"],
                assessment=assessment,
            ),
            f"‘{definition.name}’ has been recorded.",
        ):
            if request.POST.get("action") == "another":
                return redirect(f"{request.path}?assessment={assessment.pk}" if assessment else request.path)
            return redirect(assessment or case)
    return render(
        request, "assessments/need_add.html", {"case": case, "form": form, "assessment": assessment}
    )


def need_edit(request, need_id: int):
    need = selectors.need_get_for_user(user=request.user, need_id=need_id)
    can_work = has_perm(request.user, "assessments.work_assessment", need.case)
    form = NeedUpdateForm(request.POST or None, initial={"status": need.status, "version": need.version})
    if request.method == "POST":
        require_page_perm(
            request.user,
            "assessments.work_assessment",
            need.case,
            "Only the case's workers and team managers can change needs.",
        )
        if form.is_valid() and run_form_service(
            request,
            form,
            lambda data: services.need_update(
                user=request.user,
                need=need,
                version=data["version"],
                status=data["status"],
                note=data["note"],
            ),
            f"‘{need.definition.name}’ has been updated.",
        ):
            return redirect("cases:case_assessment", need.case_id)
    return render(
        request,
        "assessments/need_edit.html",
        {
            "need": need,
            "case": need.case,
            "form": form if can_work else None,
            "history": selectors.need_history(need=need),
        },
    )
