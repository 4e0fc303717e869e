from casework.core.errors import DomainError


class TaskClosed(DomainError):
    """The task is done or cancelled already; the message says when and by whom."""

    status_code = 409
