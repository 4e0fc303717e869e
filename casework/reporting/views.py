from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_GET

from casework.core.errors import PermissionRefused
from casework.reporting.exports import stream_csv


@require_GET
def case_snapshot_csv(request):
    """Download the case index the user may see, streamed as CSV."""
    scope = request.GET.get("scope", "organisation")
    try:
        rows, filename = stream_csv(user=request.user, scope=scope)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
