from django.urls import path

from casework.assessments import views

app_name = "assessments"
urlpatterns = [
    path("needs", views.need_definitions, name="need_definitions"),
    path("needs/new", views.need_definition_add, name="need_definition_add"),
    path("needs/<id:definition_id>/edit", views.need_definition_edit, name="need_definition_edit"),
    path("needs/<id:definition_id>/retire", views.need_definition_retire, name="need_definition_retire"),
    path("forms", views.assessment_forms, name="assessment_forms"),
    path("forms/standard", views.assessment_forms_install, name="assessment_forms_install"),
    path("forms/new", views.assessment_form_add, name="assessment_form_add"),
    path("forms/<id:form_id>", views.assessment_form_detail, name="assessment_form_detail"),
    path(
        "forms/<id:form_id>/versions/<id:number>",
        views.assessment_form_detail,
        name="assessment_form_version",
    ),
    path("forms/<id:form_id>/edit", views.assessment_form_edit, name="assessment_form_edit"),
    path("forms/<id:form_id>/retire", views.assessment_form_retire, name="assessment_form_retire"),
    path("case/<id:case_id>/new", views.assessment_start, name="assessment_start"),
    path("case/<id:case_id>/needs/new", views.need_add, name="need_add"),
    path("<id:assessment_id>", views.assessment_detail, name="assessment_detail"),
    path("<id:assessment_id>/edit", views.assessment_edit, name="assessment_edit"),
    path("need/<id:need_id>", views.need_edit, name="need_edit"),
]
