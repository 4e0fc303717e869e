from django.urls import path

from casework.waiting_list import views

app_name = "waiting_list"
urlpatterns = [
    path("", views.waiting_list, name="waiting_list"),
    path("export.csv", views.waiting_list_export, name="waiting_list_export"),
    path("timescales", views.timescales, name="timescales"),
    path("case/<id:case_id>/add", views.waiting_list_add, name="waiting_list_add"),
    path("<id:entry_id>/reprioritise", views.waiting_list_reprioritise, name="waiting_list_reprioritise"),
]
