from django.contrib.auth import views as auth_views
from django.urls import path

from casework.accounts import views
from casework.accounts.forms import SignInForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The steps of signing in after the password (casework.accounts.middleware lets these through).
    path("mfa/set-up", views.mfa_setup, name="mfa_setup"),
    path("mfa/code", views.mfa_verify_code, name="mfa_verify"),
    path("mfa/recovery-codes", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("security", views.security, name="security"),
    path("security/users", views.mfa_users, name="mfa_users"),
    path("jobs/failures", views.job_failures, name="job_failures"),
    path("security/users/<id:user_id>/reset", views.mfa_user_reset, name="mfa_user_reset"),
]
