from django.urls import path

from casework.tasks import views

app_name = "tasks"
urlpatterns = [
    path("mine", views.my_tasks, name="my_tasks"),
    path("team", views.team_tasks, name="team_tasks"),
    path("new", views.task_add, name="task_add"),
    path("<id:task_id>/", views.task_detail, name="task_detail"),
    path("<id:task_id>/complete", views.task_complete, name="task_complete"),
    path("<id:task_id>/reassign", views.task_reassign, name="task_reassign"),
    path("<id:task_id>/due", views.task_change_due, name="task_change_due"),
    path("<id:task_id>/cancel", views.task_cancel, name="task_cancel"),
]
