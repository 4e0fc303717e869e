"""Who is acting, for whom and in which request: read by the audit trail without threading it through every
call."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    channel: str = "web"  # web, api, command, job


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "casework_request", default=None
)


def current_request_context() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=f"cmd-{uuid.uuid4().hex[:16]}", channel="command")
    return ctx


@contextmanager
def request_context(request_id: str | None = None, channel: str = "web"):
    token = _current.set(RequestContext(request_id=request_id or uuid.uuid4().hex, channel=channel))
    try:
        yield
    finally:
        _current.reset(token)
