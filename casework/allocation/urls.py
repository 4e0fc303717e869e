from django.urls import path

from casework.allocation import views

app_name = "allocation"
urlpatterns = [
    path("rules", views.rules, name="rules"),
    path("rules/new", views.rule_add, name="rule_add"),
    path("rules/<id:rule_id>/edit", views.rule_edit, name="rule_edit"),
    path("rules/<id:rule_id>/move", views.rule_move, name="rule_move"),
    path("fallback", views.fallback_set, name="fallback_set"),
    path("allocate-all", views.allocate_all, name="allocate_all"),
]
