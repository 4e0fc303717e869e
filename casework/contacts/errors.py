from casework.core.errors import ValidationFailed


class ContactInvalid(ValidationFailed):
    """A contact that cannot have happened as described."""
