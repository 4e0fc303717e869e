from django.urls import path

from casework.subjectaccess import views

app_name = "subjectaccess"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("people/<id:person_id>/new", views.request_new, name="request_new"),
    path("<id:sar_id>/", views.request_detail, name="request_detail"),
    path("<id:sar_id>/verify-identity", views.request_verify_identity, name="request_verify_identity"),
    path("<id:sar_id>/ask-clarification", views.request_ask_clarification, name="request_ask_clarification"),
    path(
        "<id:sar_id>/receive-clarification",
        views.request_receive_clarification,
        name="request_receive_clarification",
    ),
    path("<id:sar_id>/extend", views.request_extend, name="request_extend"),
    path("<id:sar_id>/prepare-bundle", views.request_prepare_bundle, name="request_prepare_bundle"),
    path("<id:sar_id>/redact", views.request_redact, name="request_redact"),
    path("<id:sar_id>/release", views.request_release, name="request_release"),
    path("<id:sar_id>/bundle.json", views.request_bundle, {"fmt": "json"}, name="request_bundle_json"),
    path("<id:sar_id>/bundle.pdf", views.request_bundle, {"fmt": "pdf"}, name="request_bundle_pdf"),
]
