"""Background work for cases: the planned re-contact date of a closed case becomes a task on the day."""

import datetime

from casework.cases.closing import recontact_tasks_raise
from casework.core.jobs import job


@job("cases.recontact_tasks", every=datetime.timedelta(hours=1))
def recontact_tasks(today: str | None = None) -> int:
    return recontact_tasks_raise(today=datetime.date.fromisoformat(today) if today else None)
