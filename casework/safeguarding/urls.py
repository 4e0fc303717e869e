from django.urls import path

from casework.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.concern_list, name="concern_list"),
    path("new", views.concern_raise, name="concern_raise"),
    path("<id:concern_id>/", views.concern_detail, name="concern_detail"),
]
