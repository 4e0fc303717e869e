from django.urls import path

from casework.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="person_search"),
    path("new", views.person_create, name="person_create"),
    path("<id:person_id>/", views.person_detail, name="person_detail"),
    path("<id:person_id>/card", views.person_index_card, name="person_index_card"),
    path("<id:person_id>/edit", views.person_edit, name="person_edit"),
    path("<id:person_id>/break-glass", views.person_break_glass, name="person_break_glass"),
    path("<id:person_id>/restriction", views.person_restriction, name="person_restriction"),
    path("<id:person_id>/audit", views.person_audit, name="person_audit"),
    path("<id:person_id>/household", views.person_move_household, name="person_move_household"),
    path("<id:person_id>/relationships/new", views.person_relationship_add, name="person_relationship_add"),
    path(
        "<id:person_id>/relationships/<id:relationship_id>/end",
        views.relationship_end,
        name="relationship_end",
    ),
    path("break-glass/reviews", views.break_glass_review_list, name="break_glass_review_list"),
    path("break-glass/reviews/<id:grant_id>", views.break_glass_review, name="break_glass_review"),
    path("households/new", views.household_create, name="household_create"),
    path("households/<id:household_id>/", views.household_detail, name="household_detail"),
    path("households/<id:household_id>/edit", views.household_edit, name="household_edit"),
]
