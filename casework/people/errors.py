from __future__ import annotations

from typing import TYPE_CHECKING

from casework.core.errors import DomainError, ValidationFailed

if TYPE_CHECKING:
    from casework.people.selectors import IndexCard


class PossibleDuplicates(DomainError):
    """Likely matches exist; the caller must show them and ask for confirmation before creating."""

    def __init__(self, candidates: list[IndexCard]) -> None:
        super().__init__(
            "This person may already be known. Check the likely matches before creating a new record."
        )
        self.candidates = candidates


class NhsNumberTaken(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("This NHS number already belongs to another person", field="nhs_number")
