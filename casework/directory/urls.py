"""Open Referral UK 3.0 endpoints, mounted at /openreferral/: open, read-only, CORS on every response."""

from django.urls import re_path

from casework.directory import views

app_name = "openreferral"

_ID = r"(?P<pk>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.oruk_api_info, name="api_info"),
    re_path(r"^services/?$", views.oruk_service_list, name="services"),
    re_path(rf"^services/{_ID}/?$", views.oruk_service_detail, name="service"),
    re_path(r"^service_at_locations/?$", views.oruk_service_at_location_list, name="service_at_locations"),
    re_path(
        rf"^service_at_locations/{_ID}/?$", views.oruk_service_at_location_detail, name="service_at_location"
    ),
    re_path(r"^taxonomies/?$", views.oruk_taxonomy_list, name="taxonomies"),
    re_path(rf"^taxonomies/{_ID}/?$", views.oruk_taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.oruk_taxonomy_term_list, name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{_ID}/?$", views.oruk_taxonomy_term_detail, name="taxonomy_term"),
    # Anything else under the stub is a JSON 404 that still carries the CORS header.
    re_path(r"^.*$", views.oruk_not_found, name="not_found"),
]
