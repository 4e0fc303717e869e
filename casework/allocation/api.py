"""Allocation in the API: allocate (one case or every unallocated one), accept, assign, reassign and transfer,
each a POST on the case. Mounted at /cases before the cases router (config/api.py), so the paths are the
case's own; the answer is the case as cases.api returns it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from casework.accounts.models import Organisation
from casework.allocation import services
from casework.cases.api import CaseIndexOut, CaseOut, VersionIn, case_action_row, worker_from_id
from casework.cases.models import Case
from casework.cases.selectors import case_get_for_action, case_get_for_user
from casework.core.api import Id, SaidNote, expected_version

router = Router(tags=["allocation"])


class AllocateAllOut(Schema):
    allocated: int
    skipped: int


class WorkerIn(VersionIn):
    worker_id: Id


class ReassignIn(WorkerIn):
    reason: SaidNote


class TransferIn(VersionIn):
    organisation_id: Id
    reason: SaidNote


def _case(request, case_id: Id) -> Case:
    return case_get_for_user(user=request.user, case_id=case_id, purpose="read_by_api")


# Declared before "/{case_id}" of the cases router: that GET would answer this POST with 405.
@router.post("/allocate-unallocated", response=AllocateAllOut, summary="Allocate every unallocated case")
def allocate_all(request, initiative_id: Id):
    return services.cases_allocate_unallocated(user=request.user, initiative_id=initiative_id)


@router.post("/{case_id}/allocate", response=CaseIndexOut, summary="Apply the allocation rules to the case")
def allocate(request, case_id: Id, payload: VersionIn, response: HttpResponse):
    # The lead's initiative admins allocate cases they see on the index only.
    case = case_get_for_action(user=request.user, case_id=case_id)
    services.case_allocate(user=request.user, case=case, version=expected_version(request, payload.version))
    return case_action_row(request, case, response)


@router.post(
    "/{case_id}/accept", response=CaseOut, summary="Accept an unallocated case as its primary worker"
)
def accept(request, case_id: Id, payload: VersionIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_accept(user=request.user, case=case, version=expected_version(request, payload.version))
    return case_action_row(request, case, response)


@router.post("/{case_id}/assign", response=CaseOut, summary="Assign the case to a worker (team managers)")
def assign(request, case_id: Id, payload: WorkerIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_assign_worker(
        user=request.user,
        case=case,
        worker=worker_from_id(payload.worker_id),
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)


@router.post(
    "/{case_id}/reassign", response=CaseOut, summary="Give the case a new primary worker, with a reason"
)
def reassign(request, case_id: Id, payload: ReassignIn, response: HttpResponse):
    case = _case(request, case_id)
    services.case_reassign_worker(
        user=request.user,
        case=case,
        worker=worker_from_id(payload.worker_id),
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)


@router.post("/{case_id}/transfer", response=CaseIndexOut, summary="Change the responsible organisation")
def transfer(request, case_id: Id, payload: TransferIn, response: HttpResponse):
    # The lead's initiative admins transfer cases they see on the index only.
    case = case_get_for_action(user=request.user, case_id=case_id)
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    services.case_transfer(
        user=request.user,
        case=case,
        organisation=organisation,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return case_action_row(request, case, response)
