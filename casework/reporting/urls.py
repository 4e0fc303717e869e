from django.urls import path

from casework.reporting import views

app_name = "reporting"
urlpatterns = [path("case-index.csv", views.case_snapshot_csv, name="case_snapshot_csv")]
