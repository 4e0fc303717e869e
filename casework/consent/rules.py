"""Whether a basis for sharing is live on a day and covers an organisation and some data: pure, no ORM.

A basis is live from the day it was given or decided, up to (not including) its expiry date and its withdrawal
date: withdrawal takes effect at once, so nothing is shared on the day it is recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from casework.consent.choices import BasisState


@dataclass(frozen=True)
class Terms:
    """What a consent or lawful-basis record says, as plain values."""

    given_on: datetime.date
    organisation_ids: frozenset[int]
    data_categories: frozenset[str]
    expires_on: datetime.date | None = None
    withdrawn_on: datetime.date | None = None


def ended(terms: Terms) -> tuple[str, datetime.date] | None:
    """How and when the basis ends, whichever is first: ("withdrawn" or "expired", date); None if never."""
    endings = [
        (day, state)
        for day, state in ((terms.withdrawn_on, BasisState.WITHDRAWN), (terms.expires_on, BasisState.EXPIRED))
        if day is not None
    ]
    if not endings:
        return None
    day, state = min(endings)
    return str(state), day


def state_on(terms: Terms, day: datetime.date) -> str:
    """live, not_yet (before it was given), expired or withdrawn, on the day."""
    end = ended(terms)
    if end is not None and day >= end[1]:
        return end[0]
    if day < terms.given_on:
        return str(BasisState.NOT_YET)
    return str(BasisState.LIVE)


def is_live(terms: Terms, day: datetime.date) -> bool:
    return state_on(terms, day) == BasisState.LIVE


def covers(terms: Terms, *, day: datetime.date, organisation_id: int, categories: Iterable[str]) -> bool:
    """Live on the day, naming the organisation, and every one of the categories."""
    return (
        is_live(terms, day)
        and organisation_id in terms.organisation_ids
        and set(categories) <= terms.data_categories
    )


def shared_categories(terms: Terms, *, day: datetime.date, organisation_id: int) -> frozenset[str]:
    """The categories the organisation may be given on the day: all the basis names, or none."""
    if is_live(terms, day) and organisation_id in terms.organisation_ids:
        return terms.data_categories
    return frozenset()
