"""Background work for letters: send one (ids in, a service call, nothing else)."""

from casework.cases.models import Case
from casework.core.jobs import job
from casework.letters.services import letter_send


@job("letters.send")
def send(
    *, kind: str, case_id: int, effect_key: str, extra: dict | None = None, organisation_id: int | None = None
) -> int:

    case = Case.objects.select_related("person").get(pk=case_id)
    return letter_send(kind=kind, case=case, effect_key=effect_key, extra=extra).pk
