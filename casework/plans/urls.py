from django.urls import path

from casework.plans import views

app_name = "plans"
urlpatterns = [
    # Public: no sign-in (core.middleware.LoginRequiredMiddleware lets /public/ through).
    path("public/what-might-i-pay", views.what_might_i_pay, name="what_might_i_pay"),
    path(
        "plans/cases/<id:case_id>/financial-assessment/start",
        views.financial_assessment_start,
        name="financial_assessment_start",
    ),
    path(
        "plans/cases/<id:case_id>/financial-assessment",
        views.financial_assessment_complete,
        name="financial_assessment_complete",
    ),
]
