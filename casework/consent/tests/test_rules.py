"""Whether a basis is live on a day and covers an organisation and data, across given, expiry, withdrawal."""

import datetime

import pytest

from casework.consent import rules

GIVEN = datetime.date(2026, 3, 2)
EXPIRES = datetime.date(2026, 6, 1)
WITHDRAWN = datetime.date(2026, 4, 15)
DAY = datetime.timedelta(days=1)
FOODBANK, DEBT, OTHER = 1, 2, 3


def terms(**kwargs):
    values = {
        "given_on": GIVEN,
        "organisation_ids": frozenset({FOODBANK, DEBT}),
        "data_categories": frozenset({"contact_details", "needs"}),
        **kwargs,
    }
    return rules.Terms(**values)


@pytest.mark.parametrize(
    ("day", "state"), [(GIVEN - DAY, "not_yet"), (GIVEN, "live"), (GIVEN + 365 * DAY, "live")]
)
def test_an_open_ended_basis_is_live_from_the_day_it_was_given(day, state):
    assert rules.state_on(terms(), day) == state
    assert rules.is_live(terms(), day) is (state == "live")


@pytest.mark.parametrize(
    ("day", "state"),
    [(GIVEN, "live"), (EXPIRES - DAY, "live"), (EXPIRES, "expired"), (EXPIRES + DAY, "expired")],
)
def test_it_is_live_up_to_the_day_before_it_expires(day, state):
    assert rules.state_on(terms(expires_on=EXPIRES), day) == state


@pytest.mark.parametrize(
    ("day", "state"), [(WITHDRAWN - DAY, "live"), (WITHDRAWN, "withdrawn"), (WITHDRAWN + DAY, "withdrawn")]
)
def test_withdrawal_takes_effect_on_the_day_it_is_withdrawn(day, state):
    assert rules.state_on(terms(withdrawn_on=WITHDRAWN), day) == state


def test_withdrawal_on_the_day_it_was_given_means_it_was_never_live_after():
    assert rules.state_on(terms(withdrawn_on=GIVEN), GIVEN) == "withdrawn"


def test_whichever_ends_it_first_is_the_reason():
    assert rules.state_on(terms(expires_on=EXPIRES, withdrawn_on=WITHDRAWN), EXPIRES) == "withdrawn"
    assert rules.ended(terms(expires_on=EXPIRES, withdrawn_on=WITHDRAWN)) == ("withdrawn", WITHDRAWN)
    late = EXPIRES + 10 * DAY
    assert rules.state_on(terms(expires_on=EXPIRES, withdrawn_on=late), late) == "expired"
    assert rules.ended(terms()) is None


def test_covers_needs_the_organisation_and_every_category():
    t = terms(expires_on=EXPIRES)
    assert rules.covers(t, day=GIVEN, organisation_id=FOODBANK, categories=["needs"])
    assert rules.covers(t, day=GIVEN, organisation_id=DEBT, categories=["needs", "contact_details"])
    assert not rules.covers(t, day=GIVEN, organisation_id=OTHER, categories=["needs"])
    assert not rules.covers(
        t, day=GIVEN, organisation_id=FOODBANK, categories=["needs", "assessment_summary"]
    )
    assert rules.covers(t, day=GIVEN, organisation_id=FOODBANK, categories=[])
    assert not rules.covers(t, day=EXPIRES, organisation_id=FOODBANK, categories=["needs"])
    assert not rules.covers(t, day=GIVEN - DAY, organisation_id=FOODBANK, categories=["needs"])


def test_what_is_shared_is_everything_it_names_while_live_and_nothing_after():
    t = terms(withdrawn_on=WITHDRAWN)
    assert rules.shared_categories(t, day=WITHDRAWN - DAY, organisation_id=FOODBANK) == {
        "contact_details",
        "needs",
    }
    assert rules.shared_categories(t, day=WITHDRAWN, organisation_id=FOODBANK) == frozenset()
    assert rules.shared_categories(t, day=GIVEN, organisation_id=OTHER) == frozenset()
