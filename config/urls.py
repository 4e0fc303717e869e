from django.urls import include, path

from casework.core import views as core_views
from config.api import api

handler400 = "casework.core.views.bad_request"
handler403 = "casework.core.views.permission_denied"
handler404 = "casework.core.views.page_not_found"
handler500 = "casework.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("accounts/", include("casework.accounts.urls")),
    path("people/", include("casework.people.urls")),
    path("cases/", include("casework.cases.urls")),
    path("", include("casework.allocation.urls")),
    path("assessments/", include("casework.assessments.urls")),
    path("careact/", include("casework.careact.urls")),
    path("waiting-list/", include("casework.waiting_list.urls")),
    path("letters/", include("casework.letters.urls")),
    path("consent/", include("casework.consent.urls")),
    path("referrals/", include("casework.referrals.urls")),
    path("reports/", include("casework.reporting.urls")),
    path("contacts/", include("casework.contacts.urls")),
    path("tasks/", include("casework.tasks.urls")),
    path("safeguarding/", include("casework.safeguarding.urls")),
    path("risk/", include("casework.risk.urls")),
    path("", include("casework.risk.public_urls")),
    path("subject-access/", include("casework.subjectaccess.urls")),
    path("retention/", include("casework.retention.urls")),
    path("openreferral/", include("casework.directory.urls")),
    path("directory/", include("casework.directory.page_urls")),
    path("", include("casework.plans.urls")),
    path("", include("casework.core.urls")),
]
