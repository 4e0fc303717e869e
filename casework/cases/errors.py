from casework.core.errors import DomainError


class LifecycleRefused(DomainError):
    """The move is not in the lifecycle table; the message says which moves are allowed."""

    status_code = 409


class WarningsNotAcknowledged(DomainError):
    """A forward stage move has warnings (see cases/gates.py) that the worker has not acknowledged.

    `warnings` holds the GateResults; acknowledge each by its code to move the case on.
    """

    status_code = 409

    def __init__(self, warnings, *, stage_label: str = "the next stage"):
        self.warnings = list(warnings)
        which = "each warning" if len(self.warnings) > 1 else "the warning"
        super().__init__(
            f"Confirm you have considered {which} before moving the case to {stage_label}: "
            + " ".join(warning.message for warning in self.warnings),
            field="acknowledge",
        )
