from django.urls import path

from casework.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("case/<id:case_id>/new", views.referral_make, name="referral_make"),
    path("<id:referral_id>", views.referral_detail, name="referral_detail"),
    path("<id:referral_id>/accept", views.referral_accept, name="referral_accept"),
    path("<id:referral_id>/decline", views.referral_decline, name="referral_decline"),
    path("<id:referral_id>/plan", views.referral_plan, name="referral_plan"),
    path("<id:referral_id>/actions/new", views.referral_action_add, name="referral_action_add"),
    path("<id:referral_id>/needs/<id:need_id>", views.referral_need_status, name="referral_need_status"),
    path("<id:referral_id>/close", views.referral_close, name="referral_close"),
]
