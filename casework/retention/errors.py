from casework.core.errors import ConflictError, ValidationFailed


class RecordHeld(ConflictError):
    """A legal hold stops the record's disposal."""


class NotDue(ConflictError):
    """The record is no longer due for disposal under the schedule (or was never appraised for it)."""


class DisposalBlocked(ConflictError):
    """Records elsewhere still refer to the record: it cannot be disposed of until they are."""


class HoldAlreadyLifted(ConflictError):
    """The hold has already been lifted."""


class NoSuchRecord(ValidationFailed):
    """No person or case of the organisation matches."""
