from django.urls import path

from casework.allocation import views

# Mounted at the root (config/urls.py): the rules live under /allocation/, while the team worklist and the
# actions on one case keep the paths they had under /cases/.
app_name = "allocation"
urlpatterns = [
    path("allocation/rules", views.rules, name="rules"),
    path("allocation/rules/new", views.rule_add, name="rule_add"),
    path("allocation/rules/<id:rule_id>/edit", views.rule_edit, name="rule_edit"),
    path("allocation/rules/<id:rule_id>/move", views.rule_move, name="rule_move"),
    path("allocation/fallback", views.fallback_set, name="fallback_set"),
    path("allocation/allocate-all", views.allocate_all, name="allocate_all"),
    path("cases/worklist", views.worklist, name="worklist"),
    path("cases/<id:case_id>/accept", views.case_accept, name="case_accept"),
    path("cases/<id:case_id>/allocate", views.case_allocate, name="case_allocate"),
    path("cases/<id:case_id>/assign", views.case_assign, name="case_assign"),
    path("cases/<id:case_id>/reassign", views.case_reassign, name="case_reassign"),
    path("cases/<id:case_id>/transfer", views.case_transfer, name="case_transfer"),
]
