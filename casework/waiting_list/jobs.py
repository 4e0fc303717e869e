"""Background work for waiting lists: the escalation sweep, on the worker's schedule."""

import datetime

from casework.core.jobs import job


@job("waiting_list.escalation_sweep", every=datetime.timedelta(minutes=15))
def escalation_sweep() -> dict:
    from casework.waiting_list.escalation import escalation_sweep as sweep

    return sweep()
