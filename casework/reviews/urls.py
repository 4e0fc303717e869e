from django.urls import path

from casework.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("export", views.worklist_export, name="worklist_export"),
    path("settings", views.review_settings, name="review_settings"),
    path("cases/<id:case_id>/request", views.review_request, name="review_request"),
    path("cases/<id:case_id>/<id:review_id>/start", views.review_start, name="review_start"),
    path("cases/<id:case_id>/<id:review_id>/record", views.review_record, name="review_record"),
    path(
        "cases/<id:case_id>/<id:review_id>/sign-authority",
        views.review_sign_authority,
        name="review_sign_authority",
    ),
    path(
        "cases/<id:case_id>/<id:review_id>/sign-person", views.review_sign_person, name="review_sign_person"
    ),
    path("cases/<id:case_id>/<id:review_id>/copy.pdf", views.review_copy, name="review_copy"),
]
