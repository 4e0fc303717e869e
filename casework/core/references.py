"""Human-readable references such as CW-2026-000123, unique and gap-tolerant."""

from django.db import transaction
from django.db.models import F

from casework.core import clock
from casework.core.models import ReferenceCounter


def next_reference(*, name: str, prefix: str, width: int = 6) -> str:
    """The next reference for `name` this year. Locks the counter row inside the caller's transaction."""
    year = clock.now().year
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(name=name, year=year)
        ReferenceCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
        counter.refresh_from_db(fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:0{width}d}"
