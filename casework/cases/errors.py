from casework.core.errors import DomainError


class LifecycleRefused(DomainError):
    """The move is not in the lifecycle table; the message says which moves are allowed."""

    status_code = 409
