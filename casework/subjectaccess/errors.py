from casework.core.errors import ConflictError, ValidationFailed


class StepNotAllowed(ConflictError):
    """The request is not at a status from which the step can be taken."""


class ExtensionTooLate(ValidationFailed):
    """The requester must be told of an extension within the first month."""
