"""The eligibility criteria as pure rules (SI 2015/313 regs 2 and 3), with worked examples. No database."""

import pytest

from casework.careact.eligibility import (
    ADULT_OUTCOMES,
    ADULT_WAYS,
    CARER_OUTCOMES,
    CARER_WAYS,
    ENDANGERS,
    PAIN_DISTRESS_ANXIETY,
    TAKES_LONGER,
    WITHOUT_ASSISTANCE,
    OutcomeFinding,
    adult_eligibility,
    carer_eligibility,
    eligibility_check,
)
from casework.core.errors import ValidationFailed

of = OutcomeFinding.of


def adult(*outcomes, condition_1=True, wellbeing=True):
    return adult_eligibility(
        needs_from_impairment_or_illness=condition_1,
        outcomes=outcomes,
        significant_impact_on_wellbeing=wellbeing,
    )


def carer(*outcomes, condition_1=True, health=False, wellbeing=True):
    return carer_eligibility(
        needs_from_providing_care=condition_1,
        health_deteriorating=health,
        outcomes=outcomes,
        significant_impact_on_wellbeing=wellbeing,
    )


def test_the_lists_are_the_regulations():
    assert len(ADULT_OUTCOMES) == 10 and len(CARER_OUTCOMES) == 8
    assert [p for p, _ in ADULT_OUTCOMES.values()] == [f"2(2)({c})" for c in "abcdefghij"]
    assert [p for p, _ in CARER_OUTCOMES.values()] == [f"3(3)({c})" for c in "abcdefgh"]
    assert ADULT_OUTCOMES["community"][1].startswith(
        "making use of necessary facilities or services in the local community including public transport"
    )
    assert set(ADULT_WAYS) == {WITHOUT_ASSISTANCE, PAIN_DISTRESS_ANXIETY, ENDANGERS, TAKES_LONGER}
    assert set(CARER_WAYS) == {WITHOUT_ASSISTANCE, PAIN_DISTRESS_ANXIETY, ENDANGERS}


def test_an_adult_unable_to_achieve_two_outcomes_with_a_significant_impact_is_eligible():
    result = adult(of("nutrition", WITHOUT_ASSISTANCE), of("personal_hygiene", PAIN_DISTRESS_ANXIETY))
    assert result.eligible
    assert result.conditions == {"condition_1": True, "condition_2": True, "condition_3": True}
    assert result.outcomes_counted == ("nutrition", "personal_hygiene")
    assert (
        "unable to achieve 2 of the specified outcomes (managing and maintaining nutrition; maintaining "
        "personal hygiene)" in result.reasons[1]
    )
    assert result.reasons[-1].startswith("The needs meet the eligibility criteria (regulation 2")


def test_an_adult_unable_to_achieve_only_one_outcome_is_not_eligible():
    result = adult(of("toilet_needs", WITHOUT_ASSISTANCE, ENDANGERS))
    assert not result.eligible
    assert result.conditions["condition_2"] is False
    assert result.outcomes_counted == ("toilet_needs",)
    assert (
        "only one of the specified outcomes (managing toilet needs); the regulations need two or more"
        in result.reasons[1]
    )


def test_two_outcomes_without_a_significant_impact_on_wellbeing_are_not_eligible():
    result = adult(of("nutrition", WITHOUT_ASSISTANCE), of("clothing", WITHOUT_ASSISTANCE), wellbeing=False)
    assert not result.eligible
    assert result.conditions == {"condition_1": True, "condition_2": True, "condition_3": False}
    assert "Condition 3 is not met" in result.reasons[2]


def test_needs_not_from_an_impairment_or_illness_are_not_eligible():
    # For example, needs that arise from circumstances alone (SCIE: condition 1).
    result = adult(
        of("nutrition", WITHOUT_ASSISTANCE), of("habitable_home", WITHOUT_ASSISTANCE), condition_1=False
    )
    assert not result.eligible
    assert result.conditions["condition_1"] is False


def test_taking_significantly_longer_counts_for_an_adult():
    # A person who can dress but it takes them an hour and a half (SCIE), and who cannot cook safely.
    result = adult(of("clothing", TAKES_LONGER), of("nutrition", ENDANGERS))
    assert result.eligible
    assert result.outcomes_counted == ("nutrition", "clothing")  # in the regulation's order


def test_outcomes_achieved_do_not_count_and_each_is_listed_once():
    result = adult(OutcomeFinding("nutrition"), of("home_safety", ENDANGERS))
    assert result.outcomes_counted == ("home_safety",)
    with pytest.raises(ValidationFailed) as error:
        adult(of("nutrition", ENDANGERS), of("nutrition", WITHOUT_ASSISTANCE))
    assert error.value.field == "outcomes.nutrition"


def test_an_outcome_marked_unable_needs_at_least_one_way():
    with pytest.raises(ValidationFailed) as error:
        adult(OutcomeFinding("nutrition", unable=True), of("clothing", WITHOUT_ASSISTANCE))
    assert error.value.field == "outcomes.nutrition"
    assert "Select how they are unable to achieve managing and maintaining nutrition" == error.value.message


def test_ways_for_an_outcome_not_marked_unable_are_refused():
    with pytest.raises(ValidationFailed) as error:
        adult(OutcomeFinding("clothing", unable=False, ways=frozenset({WITHOUT_ASSISTANCE})))
    assert error.value.field == "outcomes.clothing"


@pytest.mark.parametrize(
    ("finding", "field"),
    [
        (of("flying", WITHOUT_ASSISTANCE), "outcomes.flying"),
        (of("nutrition", "slowly"), "outcomes.nutrition"),
    ],
)
def test_unknown_outcomes_and_ways_are_refused(finding, field):
    with pytest.raises(ValidationFailed) as error:
        adult(finding)
    assert error.value.field == field


def test_a_carer_with_deteriorating_health_and_a_wellbeing_impact_is_eligible_with_no_outcome():
    result = carer(health=True)
    assert result.eligible
    assert result.outcomes_counted == ()
    assert "health is, or is at risk of, deteriorating" in result.reasons[1]
    assert "regulation 3" in result.reasons[-1]


def test_a_carer_unable_to_achieve_any_one_outcome_meets_condition_2():
    result = carer(of("recreation", PAIN_DISTRESS_ANXIETY))
    assert result.eligible
    assert result.outcomes_counted == ("recreation",)


def test_a_carer_whose_health_is_fine_and_achieves_every_outcome_is_not_eligible():
    result = carer()
    assert not result.eligible
    assert result.conditions["condition_2"] is False


def test_a_carer_still_needs_a_significant_impact_on_wellbeing():
    assert not carer(of("work_education", WITHOUT_ASSISTANCE), health=True, wellbeing=False).eligible


def test_a_carer_whose_needs_do_not_arise_from_necessary_care_is_not_eligible():
    assert not carer(health=True, condition_1=False).eligible


def test_taking_significantly_longer_is_not_a_carer_way():
    with pytest.raises(ValidationFailed) as error:
        carer(of("nutrition", TAKES_LONGER))
    assert error.value.field == "outcomes.nutrition"
    assert "regulation 3(4)" in error.value.message


def test_carer_outcomes_are_the_carers_list():
    # Personal hygiene is an adult's outcome, not a carer's (reg 3(3)).
    with pytest.raises(ValidationFailed):
        carer(of("personal_hygiene", WITHOUT_ASSISTANCE))


def test_eligibility_check_chooses_the_test_by_kind():
    assert eligibility_check(
        kind="carer",
        condition_1=True,
        outcomes=[],
        significant_impact_on_wellbeing=True,
        health_deteriorating=True,
    ).eligible
    with pytest.raises(ValidationFailed) as error:
        eligibility_check(
            kind="adult",
            condition_1=True,
            outcomes=[],
            significant_impact_on_wellbeing=True,
            health_deteriorating=True,
        )
    assert error.value.field == "health_deteriorating"
    with pytest.raises(ValidationFailed):
        eligibility_check(kind="child", condition_1=True, outcomes=[], significant_impact_on_wellbeing=True)
    assert (
        eligibility_check(
            kind="adult", condition_1=True, outcomes=[], significant_impact_on_wellbeing=True
        ).as_dict()["outcomes_counted"]
        == []
    )
