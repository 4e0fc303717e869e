from django.urls import path

from casework.cases import views, workspace

app_name = "cases"
urlpatterns = [
    path("mine", views.my_cases, name="my_cases"),
    path("index", views.case_index, name="case_index"),
    path("new", views.case_raise, name="case_raise"),
    path("outcomes", views.case_outcomes, name="case_outcomes"),
    path("<id:case_id>/", views.case_detail, name="case_detail"),
    # The case's sections (overview, contacts, ...): each app registers its own (cases/workspace.py).
    *workspace.section_urlpatterns(),
    path("<id:case_id>/stage", views.case_move_stage, name="case_move_stage"),
    path("<id:case_id>/restart", views.case_restart, name="case_restart"),
    path("<id:case_id>/status/<slug:status>", views.case_change_status, name="case_change_status"),
    path("<id:case_id>/close", views.case_close, name="case_close"),
    path("<id:case_id>/workers/add", views.case_worker_add, name="case_worker_add"),
    path("<id:case_id>/workers/<id:user_id>/remove", views.case_worker_remove, name="case_worker_remove"),
]
