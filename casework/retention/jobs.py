"""Background work of retention: a dry run and a disposal run (an id in, a service call, nothing else)."""

from casework.core.jobs import job
from casework.retention import services


@job("retention.dry_run")
def dry_run(*, run_id: int, organisation_id: int | None = None) -> int:
    return services.dry_run_execute(run_id=run_id).processed


@job("retention.disposal_run")
def disposal_run(*, run_id: int, organisation_id: int | None = None) -> int:
    return services.disposal_run_execute(run_id=run_id).processed
