"""Background work for Identify: import an uploaded source file (an id in, a service call, nothing else)."""

from casework.core.jobs import job
from casework.risk import cohort_services
from casework.risk.linking import matching_run_execute
from casework.risk.services import risk_import_run


@job("risk.import_run")
def import_run(*, import_id: int, organisation_id: int | None = None) -> int:
    return risk_import_run(import_id=import_id).rows_imported


@job("risk.matching_run")
def matching_run(*, run_id: int, organisation_id: int | None = None) -> int:
    return matching_run_execute(run_id=run_id).records_matched


@job("risk.cohort_generate")
def cohort_generate_job(*, cohort_id: int, organisation_id: int | None = None) -> int:
    return cohort_services.cohort_generate(cohort_id=cohort_id).people_in_cohort
