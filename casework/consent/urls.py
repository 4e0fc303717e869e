from django.urls import path

from casework.consent import views

app_name = "consent"
urlpatterns = [
    path("case/<int:case_id>/new", views.consent_record, name="consent_record"),
    path("<int:record_id>", views.consent_detail, name="consent_detail"),
    path("<int:record_id>/withdraw", views.consent_withdraw, name="consent_withdraw"),
]
