"""Background work for waiting lists: the escalation sweep, on the worker's schedule."""

import datetime

from casework.core.jobs import job
from casework.waiting_list.escalation import escalation_sweep as sweep
from casework.waiting_list.letters import send_waiting_letter, still_waiting_sweep
from casework.waiting_list.reviews import active_review_sweep


@job("waiting_list.escalation_sweep", every=datetime.timedelta(minutes=15))
def escalation_sweep() -> dict:
    return sweep()


@job("waiting_list.letter")
def letter(*, entry_id: int, kind: str, effect_key: str, organisation_id: int | None = None):
    sent = send_waiting_letter(entry_id=entry_id, kind=kind, effect_key=effect_key)
    return sent.pk if sent else None


@job("waiting_list.still_waiting_letters", every=datetime.timedelta(hours=6))
def still_waiting_letters() -> int:
    return still_waiting_sweep()


@job("waiting_list.active_reviews", every=datetime.timedelta(hours=6))
def active_reviews() -> int:
    return active_review_sweep()
