from django.urls import path

from casework.contacts import views

app_name = "contacts"
urlpatterns = [path("new", views.contact_record, name="contact_record")]
