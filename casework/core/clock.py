"""The one place that asks what time it is, so tests and the demo builder can move it."""

from __future__ import annotations

import contextvars
import datetime
from contextlib import contextmanager

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "casework_now", default=None
)


def now() -> datetime.datetime:
    return _fixed.get() or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime.datetime):
    """Make now() answer `moment` inside the block (for tests and for building histories in the past)."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
