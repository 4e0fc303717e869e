from django.urls import path

from casework.risk import cohort_views, linking_views, views

app_name = "risk"
urlpatterns = [
    path("", views.home, name="home"),
    path("sources/new", views.source_add, name="source_add"),
    path("sources/<id:source_id>", views.source_detail, name="source_detail"),
    path("sources/<id:source_id>/edit", views.source_edit, name="source_edit"),
    path("sources/<id:source_id>/upload", views.import_upload, name="import_upload"),
    path("imports/<id:import_id>", views.import_detail, name="import_detail"),
    path("imports/<id:import_id>/problems.csv", views.import_report, name="import_report"),
    path("imports/<id:import_id>/records", views.import_records, name="import_records"),
    path("models/new", views.model_add, name="model_add"),
    path("models/<id:version_id>", views.version_detail, name="version_detail"),
    path("models/<id:version_id>/edit", views.version_edit, name="version_edit"),
    path("models/<id:version_id>/copy", views.version_copy, name="version_copy"),
    path("models/<id:version_id>/categories/new", views.version_category_add, name="version_category_add"),
    path(
        "models/<id:version_id>/categories/<id:model_category_id>/remove",
        views.version_category_remove,
        name="version_category_remove",
    ),
    path("models/<id:version_id>/factors/new", views.version_factor_add, name="version_factor_add"),
    path(
        "models/<id:version_id>/factors/<id:factor_definition_id>/remove",
        views.version_factor_remove,
        name="version_factor_remove",
    ),
    path("models/<id:version_id>/rules/new", views.version_rule_add, name="version_rule_add"),
    path(
        "models/<id:version_id>/rules/<id:risk_rule_id>/edit",
        views.version_rule_edit,
        name="version_rule_edit",
    ),
    path(
        "models/<id:version_id>/rules/<id:risk_rule_id>/remove",
        views.version_rule_remove,
        name="version_rule_remove",
    ),
    path(
        "models/<id:version_id>/rules/<id:risk_rule_id>/move",
        views.version_rule_move,
        name="version_rule_move",
    ),
    # The cohort (cohort_views).
    path("models/<id:version_id>/cohort", cohort_views.cohort_generate, name="cohort_generate"),
    path("cohorts/<id:cohort_id>", cohort_views.cohort_detail, name="cohort_detail"),
    path("cohorts/<id:cohort_id>/raise", cohort_views.cohort_raise_cases, name="cohort_raise_cases"),
    # Record linkage: matching models, thresholds, runs, clerical review (linking_views).
    path("matching/", linking_views.matching_home, name="matching_home"),
    path("matching/settings", linking_views.matching_settings, name="matching_settings"),
    path(
        "matching/models/<id:matching_model_id>",
        linking_views.matching_model_detail,
        name="matching_model_detail",
    ),
    path(
        "matching/models/<id:matching_model_id>/approve",
        linking_views.matching_model_approve,
        name="matching_model_approve",
    ),
    path("matching/runs/<id:run_id>", linking_views.matching_run_detail, name="matching_run_detail"),
    path("imports/<id:import_id>/match", linking_views.import_match, name="import_match"),
    path("review/", linking_views.review_queue, name="review_queue"),
    path("review/<id:item_id>", linking_views.review_item, name="review_item"),
    path("records/<id:source_record_id>/undo-link", linking_views.record_undo_link, name="record_undo_link"),
]
