"""The subject access request's allowed transitions, as a table. Pure Python, no ORM."""

from __future__ import annotations

from casework.subjectaccess.choices import RequestStatus as S

# action -> the statuses it may be taken from, and the status it leaves.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "verify_identity": (frozenset({S.RECEIVED, S.CLARIFICATION_ASKED}), S.IDENTITY_VERIFIED),
    "ask_clarification": (frozenset({S.RECEIVED, S.IDENTITY_VERIFIED, S.EXTENDED}), S.CLARIFICATION_ASKED),
    # Back to where it was before the clock stopped (identity verified or extended), chosen by the service.
    "receive_clarification": (frozenset({S.CLARIFICATION_ASKED}), None),
    "extend": (frozenset({S.RECEIVED, S.IDENTITY_VERIFIED}), S.EXTENDED),
    "prepare_bundle": (frozenset({S.IDENTITY_VERIFIED, S.EXTENDED, S.BUNDLE_PREPARED}), S.BUNDLE_PREPARED),
    "redact": (frozenset({S.BUNDLE_PREPARED}), S.BUNDLE_PREPARED),
    "release": (frozenset({S.BUNDLE_PREPARED}), S.RELEASED),
}


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _to) in TRANSITIONS.items() if status in sources]
