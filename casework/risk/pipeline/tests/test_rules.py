"""The risk rules: validation, three-valued evaluation, ranking and explanations (no database)."""

import pytest

from casework.risk.pipeline.rules import (
    Rule,
    Subject,
    compile_expression,
    describe,
    evaluate,
    explain,
    rule_errors,
)

RANK = {"high": 1, "medium": 2, "low": 3}
LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
RULES = [
    Rule("R1", "low", {"factor": "housing_benefit/claimant"}, "housing benefit"),
    Rule("R3", "high", {"factor": "council_tax_reduction/arrears"}, "council tax arrears"),
    Rule("R5", "medium", {"all": [{"factor": "nhs/shielded"}, {"area_in": ["RG40", "rg41"]}]}),
    Rule("R7", "high", {"age_at_least": 75}, "aged 75 or over"),
]


def subject(*factors, age=None, area=""):
    return Subject(key="p:1", factors=frozenset(factors), age=age, area=area)


@pytest.mark.parametrize(
    "when",
    [
        {"factor": "nhs/shielded"},
        {"age_at_least": 75},
        {"age_under": 18},
        {"area_in": ["RG40"]},
        {"not": {"factor": "age/75_plus"}},
        {"all": [{"any": [{"factor": "a/b"}, {"age_under": 0}]}, {"not": {"area_in": ["X1", "X2"]}}]},
    ],
)
def test_valid_expressions_have_no_errors(when):
    assert rule_errors(when) == []


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({}, "exactly one of all, any, not"),
        ({"factor": "a/b", "age_under": 3}, "exactly one of"),
        ([{"factor": "a/b"}], "exactly one of"),
        ({"factor": "shielded"}, "'scheme/term'"),
        ({"factor": "NHS/Shielded"}, "lower case"),
        ({"age_at_least": "75"}, "whole number of years"),
        ({"age_at_least": True}, "whole number of years"),
        ({"age_under": 151}, "from 0 to 150"),
        ({"area_in": []}, "non-empty list of area codes"),
        ({"area_in": ["RG40", " "]}, "non-empty list of area codes"),
        ({"all": []}, "'all' needs a non-empty list"),
        ({"any": {"factor": "a/b"}}, "'any' needs a non-empty list"),
        ({"between": [1, 2]}, "unknown operator 'between'"),
    ],
)
def test_invalid_expressions_say_what_to_fix(when, message):
    errors = rule_errors(when)
    assert len(errors) == 1
    assert message in errors[0]


def test_errors_point_at_the_part_that_is_wrong():
    errors = rule_errors({"all": [{"factor": "a/b"}, {"not": {"age_under": -1}}, {"factor": 3}]})
    assert [e.split(":")[0] for e in errors] == ["rule.all[1].not", "rule.all[2]"]


def test_nesting_is_limited():
    when = {"factor": "a/b"}
    for _ in range(40):
        when = {"not": when}
    assert any("nested more than 32 levels" in e for e in rule_errors(when))


def test_compile_refuses_an_invalid_expression():
    with pytest.raises(ValueError, match="unknown operator"):
        compile_expression({"maybe": 1})


def test_unknown_facts_are_neither_true_nor_false():
    aged = compile_expression({"age_at_least": 75})
    not_aged = compile_expression({"not": {"age_at_least": 75}})
    assert aged(subject(age=80)) is True
    assert aged(subject(age=74)) is False
    assert aged(subject()) is None
    assert not_aged(subject()) is None
    assert not_aged(subject(age=40)) is True
    area = compile_expression({"area_in": ["RG40"]})
    assert area(subject(area="rg 40")) is True
    assert area(subject(area="RG41")) is False
    assert area(subject(area="")) is None


def test_all_and_any_follow_three_valued_logic():
    both = compile_expression({"all": [{"factor": "a/b"}, {"age_under": 18}]})
    either = compile_expression({"any": [{"factor": "a/b"}, {"age_under": 18}]})
    assert both(subject("a/b", age=10)) is True
    assert both(subject(age=None)) is False  # a known False decides it
    assert both(subject("a/b")) is None
    assert either(subject("a/b")) is True  # a known True decides it
    assert either(subject()) is None
    assert either(subject(age=30)) is False


def test_the_highest_ranked_category_wins_and_every_fired_rule_is_listed_in_rule_order():
    s = subject("housing_benefit/claimant", "council_tax_reduction/arrears", age=80)
    assert evaluate(s, RULES, RANK) == ("high", ("R1", "R3", "R7"))
    assert evaluate(subject("housing_benefit/claimant"), RULES, RANK) == ("low", ("R1",))
    assert evaluate(subject("nhs/shielded", area="RG41"), RULES, RANK) == ("medium", ("R5",))


def test_no_rule_fires_for_a_subject_with_nothing_known():
    assert evaluate(subject(), RULES, RANK) == (None, ())
    # Shielded but the area is not known: R5 cannot be said to hold.
    assert evaluate(subject("nhs/shielded"), RULES, RANK) == (None, ())


def test_rules_with_unranked_categories_duplicate_ids_or_bad_expressions_are_refused():
    with pytest.raises(ValueError, match="category 'urgent' is not one of the ranked categories"):
        evaluate(subject(), [Rule("R1", "urgent", {"age_at_least": 1})], RANK)
    with pytest.raises(ValueError, match="rule id 'R1' is used more than once"):
        evaluate(subject(), [Rule("R1", "low", {"age_at_least": 1})] * 2, RANK)
    with pytest.raises(ValueError, match="rule R9: rule: unknown operator"):
        evaluate(subject(), [Rule("R9", "low", {"nope": 1})], RANK)


def test_explanations_name_the_category_and_the_rules_that_gave_it():
    s = subject("council_tax_reduction/arrears", age=80)
    assert explain(s, RULES, RANK, LABELS) == "High: R3 council tax arrears + R7 aged 75 or over"


def test_explanations_add_lower_categories_and_describe_rules_without_a_description():
    s = subject("council_tax_reduction/arrears", "nhs/shielded", area="RG40")
    assert explain(s, RULES, RANK, LABELS) == (
        "High: R3 council tax arrears; also Medium: R5 (nhs: shielded and lives in RG40 or RG41)"
    )
    assert explain(subject(), RULES, RANK, LABELS) == ""


def test_describe_reads_as_english():
    assert describe({"not": {"age_under": 18}}) == "not (aged under 18)"
    assert describe({"any": [{"factor": "age/75_plus"}]}) == "age: 75 plus"
