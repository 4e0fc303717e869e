"""Stage gates: blocks refuse a forward move, warnings need acknowledging by code, going back is not gated."""

import pytest

from casework.audit.models import AuditEvent
from casework.cases import gates, services
from casework.cases.errors import LifecycleRefused, WarningsNotAcknowledged
from casework.cases.gates import GateResult
from casework.cases.models import Case


@pytest.fixture
def closing_gates(monkeypatch):
    """Only a test's own gates, on Closing: a block while `blocked`, and a warning."""
    state = {"blocked": True}
    monkeypatch.setattr(gates, "_GATES", {})

    def block(case):
        return [GateResult("block", "not_ready", "The outcome is not recorded.")] if state["blocked"] else []

    def warn(case):
        return [GateResult("warn", "letter_not_sent", "No closing letter was sent.")]

    gates.register_stage_gate("closing", block)
    gates.register_stage_gate("closing", warn)
    gates.register_stage_gate("closing", warn)  # registering twice is harmless
    return state


def test_a_block_refuses_the_move_with_its_message(world, active_case, closing_gates):
    with pytest.raises(LifecycleRefused) as error:
        services.case_move_stage(user=world.practitioner, case=active_case, stage="closing")
    assert (error.value.message, error.value.field) == ("The outcome is not recorded.", "stage")
    assert Case.objects.get(pk=active_case.pk).stage == "contact"


def test_a_warning_must_be_acknowledged_and_is_audited(world, active_case, closing_gates):
    closing_gates["blocked"] = False
    with pytest.raises(WarningsNotAcknowledged) as error:
        services.case_move_stage(
            user=world.practitioner, case=active_case, stage="closing", acknowledged=["other"]
        )
    assert [w.code for w in error.value.warnings] == ["letter_not_sent"]
    assert error.value.field == "acknowledge" and "No closing letter was sent." in error.value.message
    assert Case.objects.get(pk=active_case.pk).stage == "contact"
    services.case_move_stage(
        user=world.practitioner, case=active_case, stage="closing", acknowledged=["letter_not_sent"]
    )
    event = AuditEvent.objects.filter(verb="cases.stage_moved", case_id=active_case.pk).latest("sequence")
    assert event.changes["warnings_acknowledged"]["after"] == [
        {"code": "letter_not_sent", "message": "No closing letter was sent."}
    ]


def test_going_back_is_never_gated(world, active_case, monkeypatch):
    monkeypatch.setattr(gates, "_GATES", {})
    gates.register_stage_gate("contact", lambda case: [GateResult("block", "no", "Never.")])
    Case.objects.filter(pk=active_case.pk).update(stage="closing")
    active_case.refresh_from_db()
    services.case_move_stage(user=world.practitioner, case=active_case, stage="contact")
    assert Case.objects.get(pk=active_case.pk).stage == "contact"


def test_stage_warnings_are_for_forward_moves_only(active_case, closing_gates):
    assert [w.code for w in gates.stage_warnings(case=active_case, stage="closing")] == ["letter_not_sent"]
    assert gates.stage_warnings(case=active_case, stage="intake") == []
    assert gates.stage_warnings(case=active_case, stage="nowhere") == []


def test_an_unknown_stage_cannot_be_gated():
    with pytest.raises(ValueError):
        gates.register_stage_gate("nowhere", lambda case: [])
