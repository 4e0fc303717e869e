from django.urls import path

from casework.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("dry-runs/new", views.run_start, name="run_start"),
    path("runs/<id:disposal_run_id>/", views.run_detail, name="run_detail"),
    path("runs/<id:disposal_run_id>/status", views.run_status, name="run_status"),
    path("runs/<id:disposal_run_id>/dry-run.csv", views.run_csv, name="run_csv"),
    path("runs/<id:disposal_run_id>/appraise", views.run_appraise, name="run_appraise"),
    path("runs/<id:disposal_run_id>/dispose", views.run_dispose, name="run_dispose"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<id:class_id>/edit", views.class_edit, name="class_edit"),
    path("holds/", views.hold_list, name="hold_list"),
    path("holds/new", views.hold_new, name="hold_new"),
    path("holds/<id:hold_id>/lift", views.hold_lift, name="hold_lift"),
    path("disposed/", views.tombstone_list, name="tombstone_list"),
]
