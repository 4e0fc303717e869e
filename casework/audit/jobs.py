"""Background work for the audit trail: chaining the views recorded since the last run (ADR 7)."""

import datetime

from casework.audit.services import chain_pending_access_events
from casework.core.jobs import job


@job("audit.chain_access_events", every=datetime.timedelta(minutes=1))
def chain_access_events() -> int:
    # Safe to run twice or at once on two workers: each event is chained once, under the chain head lock.
    return chain_pending_access_events()
