from django.urls import path

from casework.consent import views

app_name = "consent"
urlpatterns = [
    path("case/<id:case_id>/new", views.consent_record, name="consent_record"),
    path("<id:record_id>", views.consent_detail, name="consent_detail"),
    path("<id:record_id>/withdraw", views.consent_withdraw, name="consent_withdraw"),
]
