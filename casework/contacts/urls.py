from django.urls import path

from casework.contacts import views

app_name = "contacts"
urlpatterns = [
    path("new", views.contact_record, name="contact_record"),
    path("duty", views.duty_desk, name="duty_desk"),
    path("duty/people/<id:person_id>/call", views.duty_call, name="duty_call"),
    path("cases/<id:case_id>/message/<id:user_id>", views.message_leave, name="message_leave"),
    path("messages", views.inbox, name="inbox"),
    path("absences", views.absences, name="absences"),
    path("cases/<id:case_id>/on-behalf", views.act_on_behalf, name="act_on_behalf"),
    path("cases/<id:case_id>/on-behalf/services", views.services_on_behalf, name="services_on_behalf"),
    path(
        "cases/<id:case_id>/on-behalf/suspend",
        views.service_suspend_for_worker,
        name="service_suspend_for_worker",
    ),
    path(
        "cases/<id:case_id>/on-behalf/restart",
        views.service_restart_for_worker,
        name="service_restart_for_worker",
    ),
    path("cases/<id:case_id>/on-behalf/actions", views.actions_on_behalf, name="actions_on_behalf"),
    path("advice-checks/<id:task_id>", views.advice_check, name="advice_check"),
    path("people/<id:person_id>", views.person_contacts, name="person_contacts"),
]
