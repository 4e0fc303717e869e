"""Pages of the worklist and the case index are the same rows however they are read (issue 14)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.allocation.selectors import SORTS, WorklistFilters, case_index, team_worklist
from tests.factories import CaseFactory, PersonFactory, RiskCategoryFactory


@pytest.fixture
def many_cases(world):
    """Thirty cases on the county's worklist across three ranks of risk category (and none), in no order."""
    # Ranks not in the order of the categories' ids: the risk sort is by rank.
    categories = [
        RiskCategoryFactory(initiative=world.initiative, code=code, rank=rank)
        for code, rank in (("low", 3), ("high", 1), ("medium", 2))
    ] + [None]
    for n in range(30):
        CaseFactory(
            person=PersonFactory(created_by_organisation=world.county),
            risk_category=categories[(n * 7) % 4],
            priority=("urgent", "normal", "low")[(n * 5) % 3],
        )


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_page_of_every_sort_is_the_slice_of_the_whole_list(world, many_cases, sort):
    for qs_for in (
        lambda: team_worklist(user=world.practitioner, filters=WorklistFilters(sort=sort)),
        lambda: case_index(user=world.initiative_admin, filters=WorklistFilters(sort=sort)),
    ):
        whole = [case.pk for case in qs_for()]
        assert len(whole) == 30
        for start, stop in ((0, 7), (7, 14), (28, 35), (0, 100)):
            assert [case.pk for case in qs_for()[start:stop]] == whole[start:stop]


def test_the_risk_sort_chooses_a_page_by_key_before_joining(world, many_cases):
    qs = team_worklist(user=world.practitioner, filters=WorklistFilters(sort="risk"))
    with CaptureQueriesContext(connection) as queries:
        page = list(qs[5:10])
    assert len(page) == 5 and len(queries) == 1
    sql = queries[0]["sql"]
    # The page's keys come from a subquery that reads no person; the page itself joins them.
    inner = sql[sql.index("IN (SELECT") :]
    assert "people_person" not in inner and "people_person" in sql[: sql.index("IN (SELECT")]
    # By rank: high, medium, low (cases with no category come last on PostgreSQL, first on SQLite).
    ranks = [case.risk_category.rank for case in qs if case.risk_category]
    assert len(ranks) > 20 and ranks == sorted(ranks)
