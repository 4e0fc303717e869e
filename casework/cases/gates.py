"""Stage gates: checks other apps register to block, or warn about, moving a case forward to a stage.

An app registers `fn(case) -> list[GateResult]` for a stage in its AppConfig.ready(). case_move_stage runs
the gates of the target stage on forward moves only (going back to amend is never gated): a block refuses
the move, and a warning must be acknowledged by its code before the move goes ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from casework.cases import lifecycle
from casework.cases.errors import LifecycleRefused, WarningsNotAcknowledged

if TYPE_CHECKING:
    from casework.cases.models import Case

BLOCK: Final = "block"
WARN: Final = "warn"


@dataclass(frozen=True)
class GateResult:
    kind: Literal["block", "warn"]
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


Gate = Callable[["Case"], list[GateResult]]
_GATES: dict[str, list[Gate]] = {}


def register_stage_gate(stage: str, fn: Gate) -> None:
    """Check `fn` before a case moves forward to `stage`. Registering the same function twice is harmless."""
    if stage not in lifecycle.STAGE_ORDER:
        raise ValueError(f"Unknown stage {stage!r}")
    gates = _GATES.setdefault(stage, [])
    if fn not in gates:
        gates.append(fn)


def stage_gate_results(*, case: Case, stage: str) -> list[GateResult]:
    """What every gate of `stage` says about the case now: blocks and warnings, in registration order."""
    return [result for fn in _GATES.get(stage, ()) for result in fn(case)]


def stage_warnings(*, case: Case, stage: str) -> list[GateResult]:
    """The warnings a forward move to `stage` would need acknowledged (for the stage-move form)."""
    if stage not in lifecycle.STAGE_ORDER or lifecycle.stage_index(stage) <= lifecycle.stage_index(
        case.stage
    ):
        return []
    return [result for result in stage_gate_results(case=case, stage=stage) if result.kind == WARN]


def stage_gates_check(*, case: Case, stage: str, acknowledged: Iterable[str] = ()) -> list[GateResult]:
    """Run the gates of a forward move; return the warnings that were acknowledged.

    Raises LifecycleRefused (field "stage") with every block's message, or WarningsNotAcknowledged carrying
    the warnings whose codes are not in `acknowledged`.
    """
    results = stage_gate_results(case=case, stage=stage)
    blocks = [result for result in results if result.kind == BLOCK]
    if blocks:
        raise LifecycleRefused(" ".join(result.message for result in blocks), field="stage")
    warnings = [result for result in results if result.kind == WARN]
    codes = set(acknowledged)
    missing = [warning for warning in warnings if warning.code not in codes]
    if missing:
        raise WarningsNotAcknowledged(missing, stage_label=lifecycle.label(stage))
    return warnings
