"""The Find a service pages, mounted at /directory/ (signed-in users)."""

from django.urls import path

from casework.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.service_search, name="service_search"),
    path("services/<uuid:service_id>", views.service_detail, name="service_detail"),
]
