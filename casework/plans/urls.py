from django.urls import path

from casework.plans import views

app_name = "plans"
# Public pages: no sign-in (core.middleware.LoginRequiredMiddleware lets /public/ through).
public_urlpatterns = [path("what-might-i-pay", views.what_might_i_pay, name="what_might_i_pay")]
urlpatterns = public_urlpatterns
