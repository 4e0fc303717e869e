from casework.core.errors import DomainError, ValidationFailed


class PossibleDuplicates(DomainError):
    """Likely matches exist; the caller must show them and ask for confirmation before creating."""

    def __init__(self, candidates):
        super().__init__(
            "This person may already be known. Check the likely matches before creating a new record."
        )
        self.candidates = candidates


class NhsNumberTaken(ValidationFailed):
    def __init__(self):
        super().__init__("This NHS number already belongs to another person", field="nhs_number")
