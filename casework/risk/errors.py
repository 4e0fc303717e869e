"""Identify's refusals, each with a message a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from casework.core.errors import DomainError

if TYPE_CHECKING:
    from casework.risk.models import RiskModelVersion


class RiskModelFrozen(DomainError):
    """The risk model version has run: it never changes again (make a new version: a copy)."""

    def __init__(self, model_version: RiskModelVersion) -> None:
        super().__init__(
            f"Version {model_version.number} of {model_version.model.name} has run, so it cannot change: "
            "make a new version (a copy) and change that."
        )
