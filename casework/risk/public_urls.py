from django.urls import path

from casework.risk import public_views

app_name = "risk_public"
urlpatterns = [
    path("how-we-identify/<id:initiative_id>", public_views.how_we_identify, name="how_we_identify"),
]
