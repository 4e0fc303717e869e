"""The ASCOF measures' rules (ADR 24) on hand-made rows with known answers, without a database: clustering,
the 91-day new-client rule, the 7-day sequel window, 2A, 2B/2C per 100,000, 2E (what casework lacks), 3D and
DHSC's provisional waiting-time median."""

from __future__ import annotations

import datetime

from casework.reporting.ascof import (
    COMMUNITY,
    DIRECT_PAYMENT,
    MANAGED_BUDGET,
    RESIDENTIAL,
    Assessed,
    Episode,
    Person,
    Request,
    Service,
    clusters,
    default_period,
    is_new_client,
    measure_2a,
    measure_2bc,
    measure_2e,
    measure_3d,
    measure_waiting,
)

D = datetime.date
START, END = D(2025, 4, 1), D(2026, 3, 31)


def born(age: int, on: datetime.date = START) -> datetime.date:
    return on.replace(year=on.year - age) - datetime.timedelta(days=1)


def ep(person, start, end, outcome="no_ongoing_needs", reason="", case=None):
    return Episode(case or person * 10, person, start, end, outcome if end else "", reason)


def lts(person, start, end=None, setting=COMMUNITY, mechanism=MANAGED_BUDGET, case=None):
    return Service(case or person * 10, person, start, end, setting, mechanism)


def test_episodes_up_to_seven_days_apart_or_overlapping_form_one_cluster():
    found = clusters(
        [
            ep(1, D(2025, 5, 1), D(2025, 5, 20), "ongoing_needs"),
            ep(1, D(2025, 5, 27), D(2025, 6, 10), "no_ongoing_needs"),  # 7 days after: joins
            ep(1, D(2025, 6, 1), D(2025, 6, 5), "ended_early", "declined"),  # overlapping: joins
            ep(1, D(2025, 6, 18), D(2025, 6, 30)),  # 8 days after: a new cluster
            ep(2, D(2025, 5, 1), None),  # still open
        ]
    )
    assert [(c.person_id, c.start, c.end) for c in found] == [
        (1, D(2025, 5, 1), D(2025, 6, 10)),
        (1, D(2025, 6, 18), D(2025, 6, 30)),
        (2, D(2025, 5, 1), None),
    ]
    assert found[0].last.outcome == "no_ongoing_needs"  # the outcome of the episode ending last


def test_a_new_client_has_no_long_term_support_ending_within_91_days_before():
    start = D(2025, 9, 1)
    assert is_new_client([], start, 91)
    assert is_new_client([lts(1, D(2024, 1, 1), start - datetime.timedelta(days=91))], start, 91)
    assert not is_new_client([lts(1, D(2024, 1, 1), start - datetime.timedelta(days=90))], start, 91)
    assert not is_new_client([lts(1, D(2024, 1, 1), None)], start, 91)
    assert is_new_client([lts(1, start, None)], start, 91)  # started with it, not before


def test_2a_known_answer():
    people = {
        1: Person(1, born(70)),
        2: Person(2, born(80)),
        3: Person(3, born(60)),
        4: Person(4, born(55)),
        5: Person(5, born(90), date_of_death=D(2025, 10, 5)),
        6: Person(6, born(75)),
        7: Person(7, born(75)),
        8: Person(8, born(16)),
        9: Person(9, born(66)),
        10: Person(10, born(67)),
    }
    episodes = [
        # 1: two episodes 5 days apart, one cluster, support ended as planned: counted.
        ep(1, D(2025, 5, 1), D(2025, 5, 20), "ongoing_needs"),
        ep(1, D(2025, 5, 25), D(2025, 6, 10)),
        # 2: long-term support starting 5 days after: in the denominator, not the numerator.
        ep(2, D(2025, 7, 1), D(2025, 7, 28), "ongoing_needs"),
        # 3: long-term support ended 31 days before: not a new client.
        ep(3, D(2025, 9, 1), D(2025, 9, 30)),
        # 4: long-term support ended 123 days before: new; moved away: counted.
        ep(4, D(2025, 9, 1), D(2025, 9, 30), "ended_early", "moved_away"),
        # 5: died 4 days after the end: NFA – Deceased, left out.
        ep(5, D(2025, 9, 1), D(2025, 10, 1)),
        # 6: admitted to hospital: left out.
        ep(6, D(2025, 9, 1), D(2025, 9, 10), "ended_early", "admitted_to_hospital"),
        # 7: ends after the period: left out.
        ep(7, D(2026, 3, 20), D(2026, 4, 5)),
        # 8: under 18: left out.
        ep(8, D(2025, 9, 1), D(2025, 9, 10)),
        # 9: ongoing needs but no service followed within 7 days: cannot be classified, left out.
        ep(9, D(2025, 9, 1), D(2025, 9, 10), "ongoing_needs"),
        # 10: two clusters 10 days apart; the first ended as planned (counted), the second declined (out).
        ep(10, D(2025, 6, 1), D(2025, 6, 10), case=101),
        ep(10, D(2025, 6, 20), D(2025, 6, 30), "ended_early", "declined", case=102),
    ]
    services = [
        lts(2, D(2025, 8, 2)),
        lts(3, D(2024, 1, 1), D(2025, 8, 1)),
        lts(4, D(2024, 1, 1), D(2025, 5, 1)),
        lts(9, D(2025, 9, 18)),  # 8 days after: outside the sequel window
    ]
    m = measure_2a(episodes=episodes, services=services, people=people, start=START, end=END)
    assert (m.numerator, m.denominator, m.value) == (3, 4, 75.0)
    assert sorted((line.case_id, line.counted, line.why) for line in m.lines) == [
        (10, True, "NFA: Support ended as planned"),
        (20, False, "Long term support"),
        (40, True, "NFA: Responsibility moved to another local authority"),
        (101, True, "NFA: Support ended as planned"),
    ]


def test_2b_2c_known_answer_per_100000():
    people = {
        1: Person(1, born(40)),
        2: Person(2, born(80)),
        3: Person(3, born(85)),
        4: Person(4, born(75)),
        5: Person(5, None),
        6: Person(6, born(90)),
    }
    services = [
        lts(1, D(2025, 6, 1), setting=RESIDENTIAL),
        lts(2, D(2025, 7, 1), D(2025, 8, 1), setting=RESIDENTIAL),
        lts(2, D(2025, 9, 1), setting=RESIDENTIAL),  # the same person again: once
        lts(3, D(2024, 1, 1), D(2025, 3, 1), setting=RESIDENTIAL),
        lts(3, D(2025, 5, 1), setting=RESIDENTIAL),  # 61 days after the last ended: not new
        lts(4, D(2025, 5, 1)),  # community: not an admission
        lts(5, D(2025, 5, 1), setting=RESIDENTIAL),  # no date of birth: left out (as DHSC)
        lts(6, D(2023, 1, 1), D(2024, 3, 1), setting=RESIDENTIAL),
        lts(6, D(2025, 5, 1), setting=RESIDENTIAL),  # 426 days after: new
    ]
    population = {"18_64": 200_000, "65_plus": 50_000}
    m2b, m2c = measure_2bc(services=services, people=people, start=START, end=END, population=population)
    assert (m2b.numerator, m2b.denominator, m2b.value) == (1, 200_000, 0.5)
    assert (m2c.numerator, m2c.denominator, m2c.value) == (2, 50_000, 4.0)
    assert [line.case_id for line in m2c.lines] == [60, 20]
    unloaded, _ = measure_2bc(services=services, people=people, start=START, end=END, population={})
    assert (unloaded.numerator, unloaded.denominator, unloaded.value) == (1, None, None)
    assert "No ONS population" in unloaded.missing


def _long_term_at_year_end():
    people = {i: Person(i, born(50)) for i in range(1, 7)}
    people[5] = Person(5, born(50), date_of_death=D(2026, 2, 1))
    services = [
        lts(1, D(2025, 1, 1), mechanism=DIRECT_PAYMENT),
        lts(2, D(2025, 1, 1)),
        lts(3, D(2025, 1, 1), setting=RESIDENTIAL),
        lts(3, D(2025, 1, 1), mechanism=DIRECT_PAYMENT),  # residential ranks higher: not community
        lts(4, D(2025, 1, 1), D(2026, 3, 1)),  # ended before the year end
        lts(5, D(2025, 1, 1), mechanism=DIRECT_PAYMENT),  # died before the year end
        lts(6, D(2025, 1, 1)),
        lts(6, D(2025, 2, 1), mechanism=DIRECT_PAYMENT),  # counted once, at the direct payment
    ]
    return people, services


def test_3d_known_answer():
    people, services = _long_term_at_year_end()
    sds, dp = measure_3d(services=services, people=people, end=END)
    assert (sds.numerator, sds.denominator, sds.value) == (3, 3, 100.0)
    assert (dp.numerator, dp.denominator, dp.value) == (2, 3, 66.7)
    assert [(line.case_id, line.counted) for line in dp.lines] == [(10, True), (20, False), (60, True)]
    assert "carer" in sds.note


def test_2e_says_what_casework_lacks_and_gives_only_the_denominator():
    people, services = _long_term_at_year_end()
    m = measure_2e(services=services, people=people, end=END)
    assert (m.numerator, m.denominator, m.value) == (None, 4, None)
    assert "accommodation status" in m.missing and "primary support reason" in m.missing


def test_waiting_time_median_known_answer():
    people = {
        1: Person(1, born(30)),
        2: Person(2, born(70)),
        3: Person(3, born(24)),
        4: Person(4, born(50)),
        5: Person(5, born(50)),
        6: Person(6, born(50)),
        7: Person(7, born(60)),
        8: Person(8, born(60)),
        9: Person(9, born(60)),
    }
    requests = [
        Request(10, 1, D(2025, 5, 1)),  # an assessment 10 days later
        Request(20, 2, D(2025, 6, 1)),  # a long-term service 20 days later
        Request(30, 3, D(2025, 6, 1)),  # aged 24: left out
        Request(40, 4, D(2025, 7, 1)),  # long-term support ended 6 months before: not new
        Request(50, 5, D(2025, 7, 1)),  # long-term support ended 12 months and a day before: new; 30 days
        Request(60, 6, D(2025, 8, 1)),  # short-term support ended 47 days before: not new
        Request(70, 7, D(2025, 9, 1)),  # nothing yet: in the denominator only
        Request(80, 8, D(2026, 4, 2)),  # after the period
        Request(90, 9, D(2025, 7, 1)),  # long-term support ended exactly 12 months before: not new
    ]
    m = measure_waiting(
        requests=requests,
        assessments=[Assessed(10, 1, D(2025, 5, 11)), Assessed(10, 1, D(2025, 4, 1))],
        episodes=[ep(5, D(2025, 7, 31), None), ep(6, D(2025, 5, 1), D(2025, 6, 15))],
        services=[
            lts(2, D(2025, 6, 21)),
            lts(4, D(2024, 1, 1), D(2025, 1, 1)),
            lts(5, D(2023, 1, 1), D(2024, 6, 30)),
            lts(9, D(2023, 1, 1), D(2024, 7, 1)),
        ],
        people=people,
        start=START,
        end=END,
    )
    assert (m.numerator, m.denominator, m.value) == (3, 4, 20.0)
    assert [(line.case_id, line.counted) for line in m.lines] == [
        (10, True),
        (20, True),
        (50, True),
        (70, False),
    ]


def test_default_period_is_the_twelve_months_to_today():
    assert default_period(D(2026, 3, 31)) == (D(2025, 4, 1), D(2026, 3, 31))
    assert default_period(D(2024, 2, 29)) == (D(2023, 3, 1), D(2024, 2, 29))
