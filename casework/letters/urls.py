from django.urls import path

from casework.letters import views

app_name = "letters"
urlpatterns = [
    path("templates", views.templates, name="templates"),
    path("templates/<id:template_id>", views.template_edit, name="template_edit"),
    path("case/<id:case_id>/send", views.letter_send, name="letter_send"),
    path("<id:letter_id>.pdf", views.letter_download, name="letter_download"),
]
