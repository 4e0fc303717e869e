from django.urls import path

from casework.plans import (
    backlog_views,
    budget_views,
    dp_views,
    episode_views,
    figures_views,
    support_views,
    views,
)

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
    # Resource allocation and personal budgets (budget_views.py).
    path("plans/budget/ras", budget_views.ras_overview, name="ras_overview"),
    path("plans/budget/ras/draft", budget_views.ras_draft_open, name="ras_draft_open"),
    path("plans/budget/ras/draft/question", budget_views.ras_question_add, name="ras_question_add"),
    path(
        "plans/budget/ras/draft/question/remove", budget_views.ras_question_remove, name="ras_question_remove"
    ),
    path("plans/budget/ras/draft/bands", budget_views.ras_bands, name="ras_bands"),
    path("plans/budget/ras/draft/publish", budget_views.ras_publish, name="ras_publish"),
    path("plans/budget/settings", budget_views.budget_settings, name="budget_settings"),
    path("plans/budget/approvals", budget_views.approvals, name="budget_approvals"),
    path(
        "plans/cases/<id:case_id>/budget/indicative", budget_views.indicative_budget, name="indicative_budget"
    ),
    path("plans/cases/<id:case_id>/budget/personal", budget_views.personal_budget, name="personal_budget"),
    path(
        "plans/cases/<id:case_id>/budget/submit",
        budget_views.personal_budget_submit,
        name="personal_budget_submit",
    ),
    path(
        "plans/cases/<id:case_id>/budget/approve",
        budget_views.personal_budget_approve,
        name="personal_budget_approve",
    ),
    # Crisis and enablement episodes (episode_views.py).
    path("plans/cases/<id:case_id>/episodes/crisis", episode_views.crisis_record, name="crisis_record"),
    path(
        "plans/cases/<id:case_id>/episodes/crisis/<id:crisis_id>/close",
        episode_views.crisis_close,
        name="crisis_close",
    ),
    path(
        "plans/cases/<id:case_id>/episodes/enablement",
        episode_views.enablement_start,
        name="enablement_start",
    ),
    path(
        "plans/cases/<id:case_id>/episodes/enablement/<id:enablement_id>/note",
        episode_views.enablement_note,
        name="enablement_note",
    ),
    path(
        "plans/cases/<id:case_id>/episodes/enablement/<id:enablement_id>/end",
        episode_views.enablement_end,
        name="enablement_end",
    ),
    # The support plan (support_views.py; its section is support_navigation.py).
    path(
        "plans/cases/<id:case_id>/support-plan/edit",
        support_views.support_plan_edit,
        name="support_plan_edit",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/sign-worker",
        support_views.support_plan_sign_worker,
        name="support_plan_sign_worker",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/sign-person",
        support_views.support_plan_sign_person,
        name="support_plan_sign_person",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/activate",
        support_views.support_plan_activate,
        name="support_plan_activate",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/estimate-letter",
        support_views.charge_estimate_letter_send,
        name="charge_estimate_letter_send",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/suspend",
        support_views.support_service_suspend,
        name="support_service_suspend",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/restart",
        support_views.support_service_restart,
        name="support_service_restart",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/versions",
        support_views.support_plan_versions,
        name="support_plan_versions",
    ),
    path(
        "plans/cases/<id:case_id>/support-plan/copy.pdf",
        support_views.support_plan_pdf,
        name="support_plan_pdf",
    ),
    path("plans/charging/figures", figures_views.charging_figures, name="charging_figures"),
    path("plans/charging/without-assessment", backlog_views.charging_backlog, name="charging_backlog"),
    # Direct payments (dp_views.py).
    path("plans/cases/<id:case_id>/direct-payments/new", dp_views.dp_agreement_new, name="dp_agreement_new"),
    path(
        "plans/cases/<id:case_id>/direct-payments/sign", dp_views.dp_agreement_sign, name="dp_agreement_sign"
    ),
    path(
        "plans/cases/<id:case_id>/direct-payments/start",
        dp_views.dp_agreement_start,
        name="dp_agreement_start",
    ),
    path("plans/cases/<id:case_id>/direct-payments/end", dp_views.dp_agreement_end, name="dp_agreement_end"),
    path(
        "plans/cases/<id:case_id>/direct-payments/payments/generate",
        dp_views.dp_payments_generate,
        name="dp_payments_generate",
    ),
    path(
        "plans/cases/<id:case_id>/direct-payments/payments/mark",
        dp_views.dp_payment_mark,
        name="dp_payment_mark",
    ),
    path(
        "plans/cases/<id:case_id>/direct-payments/audit-returns/new",
        dp_views.dp_audit_return_new,
        name="dp_audit_return_new",
    ),
    path(
        "plans/cases/<id:case_id>/direct-payments/surplus",
        dp_views.dp_surplus_decide,
        name="dp_surplus_decide",
    ),
]
