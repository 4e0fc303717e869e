"""Walk a hash chain and report the first event that does not match what was written."""

from __future__ import annotations

from dataclasses import dataclass

from casework.audit.chain import GENESIS_HASH, event_hash
from casework.audit.models import AccessEvent, AuditEvent, ChainedEvent, ChainHead
from casework.audit.services import _CHAINS, chain_pending_access_events, hashed_fields


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    sequence: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"{self.chain} chain: event {self.sequence} (id {self.event_id}): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    problem: ChainProblem | None


def chain_verify(model: type[ChainedEvent], *, progress=None) -> ChainReport:
    name = _CHAINS[model]
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    # Access events not chained yet have no sequence: they are not part of the chain (see audit_verify_all).
    for event in model.objects.filter(sequence__isnull=False).order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return ChainReport(
                name,
                checked,
                ChainProblem(
                    name, expected_sequence, None, f"missing: the next event found is {event.sequence}"
                ),
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                name,
                checked,
                ChainProblem(name, event.sequence, event.pk, "its link to the event before does not match"),
            )
        if event_hash(prev_hash=event.prev_hash, fields=hashed_fields(event)) != event.hash:
            return ChainReport(
                name,
                checked,
                ChainProblem(name, event.sequence, event.pk, "its content has changed since it was written"),
            )
        expected_prev = event.hash
        expected_sequence += 1
        checked += 1
        if progress is not None:
            progress(checked)
    head = ChainHead.objects.filter(name=name).first()
    if head is not None and (head.last_sequence != checked or head.last_hash != expected_prev):
        return ChainReport(
            name,
            checked,
            ChainProblem(
                name,
                checked + 1,
                None,
                f"the chain should end at event {head.last_sequence}: later events are missing",
            ),
        )
    return ChainReport(name, checked, None)


def audit_verify_all(*, progress=None) -> list[ChainReport]:
    """Chain the access events still waiting, then check both chains from the start."""
    chain_pending_access_events()
    return [chain_verify(AuditEvent, progress=progress), chain_verify(AccessEvent, progress=progress)]
