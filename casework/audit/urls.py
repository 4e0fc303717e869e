from django.urls import path

from casework.audit import views

app_name = "audit"
urlpatterns = [
    path("break-glass", views.break_glass_review_list, name="break_glass_review_list"),
    path("break-glass/<id:grant_id>/review", views.break_glass_review, name="break_glass_review"),
]
