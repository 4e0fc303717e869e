from django.urls import path

from casework.careact import views

app_name = "careact"
urlpatterns = [
    path("cases/<id:case_id>/", views.steps_history, name="steps_history"),
    path("cases/<id:case_id>/advocacy/<slug:activity>", views.advocacy_decide, name="advocacy_decide"),
    path(
        "cases/<id:case_id>/advocacy/decisions/<id:decision_id>/advocate",
        views.advocacy_advocate,
        name="advocacy_advocate",
    ),
    path(
        "cases/<id:case_id>/advocacy/decisions/<id:decision_id>/exception",
        views.advocacy_exception,
        name="advocacy_exception",
    ),
    path("cases/<id:case_id>/prevention", views.prevention, name="prevention"),
    path(
        "cases/<id:case_id>/financial-information", views.financial_information, name="financial_information"
    ),
    path("cases/<id:case_id>/eligibility/<slug:kind>", views.eligibility, name="eligibility"),
]
