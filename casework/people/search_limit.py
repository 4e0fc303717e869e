"""How many times a user may search the index in a while: each search discloses who is known (ADR 13)."""

from __future__ import annotations

import datetime

from django.conf import settings

from casework.audit.services import audit_record
from casework.core import clock
from casework.core.errors import RateLimited
from casework.core.ratelimit import minutes_text, rate_limit_hit


def index_search_count(*, user) -> None:
    """Count a search of the index by the user, on any channel (the pages and the API count together).

    Beyond CASEWORK_INDEX_SEARCH_LIMIT in the window, raises RateLimited (nothing is searched); the first
    search refused in a window is audited, the rest are not. One UPSERT; the audit event only then.
    """
    limit = settings.CASEWORK_INDEX_SEARCH_LIMIT
    window = datetime.timedelta(seconds=settings.CASEWORK_INDEX_SEARCH_WINDOW_SECONDS)
    counted = rate_limit_hit(f"index_searches:{user.pk}", window=window)
    if counted.count <= limit:
        return
    if counted.count == limit + 1:
        audit_record(
            user=user,
            verb="people.index_search_limit_reached",
            changes={"refused_until": {"before": None, "after": counted.ends_at}},
            reason=f"{limit} index searches within {minutes_text(window.total_seconds())}",
        )
    wait = (counted.ends_at - clock.now()).total_seconds()
    times = f"{limit} time{'' if limit == 1 else 's'}"
    raise RateLimited(
        f"You have searched the index {times} in {minutes_text(window.total_seconds())}. Wait "
        f"{minutes_text(wait)} before searching again, or ask your manager if your work needs more searches "
        f"than this.",
        until=counted.ends_at,
    )
