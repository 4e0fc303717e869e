from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from casework.core.navigation import home_panels


@require_GET
def healthz(request):
    """200 with the database's name and state, or 503 when it cannot be reached."""
    database = {"vendor": connection.vendor, "name": str(connection.settings_dict.get("NAME", ""))}
    if connection.vendor == "sqlite":
        database["name"] = database["name"].rsplit("/", 1)[-1]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse(
            {
                "status": "unavailable",
                "database": {**database, "state": "unreachable", "error": type(error).__name__},
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {**database, "state": "ok"}})


def home(request):
    """A worker's day: what each app registered for the home page that the user has (core/navigation.py)."""
    return render(request, "core/home.html", {"panels": home_panels(request)})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request: the context processors query the database, which may be what failed.

    return HttpResponseServerError(render_to_string("500.html"))
