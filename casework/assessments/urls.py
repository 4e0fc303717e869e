from django.urls import path

from casework.assessments import views

app_name = "assessments"
urlpatterns = [
    path("needs", views.need_definitions, name="need_definitions"),
    path("needs/new", views.need_definition_add, name="need_definition_add"),
    path("needs/<int:definition_id>/edit", views.need_definition_edit, name="need_definition_edit"),
    path("needs/<int:definition_id>/retire", views.need_definition_retire, name="need_definition_retire"),
]
