"""Domain errors: each carries a message a person can act on."""

import datetime
import math

from casework.core import clock


class DomainError(Exception):
    """A rule of the domain refused the action. The message is shown to the user as it is."""

    status_code = 409

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Input broke a rule; nothing was changed. `errors` names several fields at once ({field: message})."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message, field=field)
        self.errors = dict(errors or {})


class ConflictError(DomainError):
    """Somebody else changed the record since it was read; nothing was changed (stale_message says so)."""

    status_code = 409


class PermissionRefused(Exception):
    """The user may see the record but may not do this to it (403)."""

    def __init__(self, message: str = "You do not have permission to do that."):
        super().__init__(message)
        self.message = message


class RateLimited(DomainError):
    """Too many requests of a kind in a while: refused, nothing done, until `until` (429 and Retry-After)."""

    status_code = 429

    def __init__(self, message: str, *, until: datetime.datetime):
        super().__init__(message)
        self.until = until

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))


def stale_message(what: str, *, did: str = "changed", then: str = "check it and try again") -> str:
    """The one way to say that a versioned write lost the race (ConflictError): who did what, that nothing was
    saved, and what to do now."""
    return f"Somebody else {did} {what} while you were working on it. Nothing has been saved: {then}."
