from django.urls import path

from casework.reporting import cld_views, views

app_name = "reporting"
urlpatterns = [
    path("case-index.csv", views.case_snapshot_csv, name="case_snapshot_csv"),
    path("hit-rate", views.hit_rate, name="hit_rate"),
    path("hit-rate.csv", views.hit_rate_export, name="hit_rate_export"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard/<slug:key>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("ascof", views.ascof, name="ascof"),
    path("ascof.csv", views.ascof_csv, name="ascof_csv"),
    path("ascof/population", views.population, name="population"),
    path("client-level-data", cld_views.cld_return, name="cld"),
    path("client-level-data.csv", cld_views.cld_download, name="cld_csv"),
]
