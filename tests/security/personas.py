"""Who the permission tests ask: every persona of the persona-matrix world, signed out included."""

from __future__ import annotations

from conftest import PERSONAS

WORLD_PERSONAS = (*PERSONAS, "colleague", "safeguarder", "safeguarding_lead", "debt_worker", "anonymous")


def persona_user(world, persona: str):
    user = getattr(world, persona)
    if persona != "anonymous":
        user = type(user).objects.get(pk=user.pk)  # a fresh object: no actor cached from the building
    return user
