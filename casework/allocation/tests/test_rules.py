"""Choosing the responsible organisation: each rule kind, order, the existing worker, the fallback. Pure."""

from casework.allocation.rules import (
    CaseFacts,
    ExistingRelationship,
    OrganisationFacts,
    RuleFacts,
    choose_organisation,
)

COUNTY = OrganisationFacts(
    1, "County Council", frozenset({"RG40", "RG41", "RG42"}), frozenset({"home_visits", "phone", "letters"})
)
DISTRICT = OrganisationFacts(2, "District Council", frozenset({"RG40"}), frozenset({"phone", "letters"}))
HOUSING = OrganisationFacts(
    3, "Housing Association", frozenset({"RG41"}), frozenset({"home_visits", "phone"})
)
FOODBANK = OrganisationFacts(
    4, "Foodbank", frozenset({"RG40"}), frozenset({"home_visits"}), is_responsible=False
)
ORGS = {o.id: o for o in (COUNTY, DISTRICT, HOUSING, FOODBANK)}
HIGH, MEDIUM = 10, 11


def facts(risk=HIGH, district="RG41", **kwargs):
    return CaseFacts(
        risk_category_id=risk,
        risk_category_label={HIGH: "High", MEDIUM: "Medium"}.get(risk, "none"),
        district=district,
        **kwargs,
    )


def test_risk_category_rule_sends_to_its_organisation():
    rules = [
        RuleFacts(1, 1, "Medium risk to district", risk_category_ids=frozenset({MEDIUM}), organisation_id=2)
    ]
    decision = choose_organisation(facts(risk=MEDIUM), rules, ORGS, fallback_id=1)
    assert (decision.organisation_id, decision.rule_id) == (2, 1)
    assert "risk category Medium" in decision.explanation


def test_capability_rule_picks_an_organisation_covering_the_area_with_the_capability():
    rules = [
        RuleFacts(
            1,
            1,
            "High risk needs home visits",
            risk_category_ids=frozenset({HIGH}),
            required_capabilities=frozenset({"home_visits"}),
        )
    ]
    decision = choose_organisation(facts(district="RG41"), rules, ORGS, fallback_id=2)
    # County and the housing association both cover RG41 with home visits: the first by name is chosen.
    assert decision.organisation_id == 1
    decision = choose_organisation(facts(district="RG42"), rules, ORGS, fallback_id=2)
    assert decision.organisation_id == 1
    assert "offers home visits" in decision.explanation


def test_delivery_organisations_are_never_picked_by_capability():
    rules = [
        RuleFacts(
            1,
            1,
            "Home visits",
            required_capabilities=frozenset({"home_visits"}),
            districts=frozenset({"RG40"}),
        )
    ]
    decision = choose_organisation(facts(district="RG40"), rules, ORGS, fallback_id=2)
    assert decision.organisation_id == 1  # not the foodbank


def test_area_rule():
    rules = [
        RuleFacts(
            1, 1, "North to housing", districts=frozenset({"RG41"}), area_labels=("North",), organisation_id=3
        )
    ]
    assert choose_organisation(facts(district="RG41"), rules, ORGS, 1).organisation_id == 3
    assert choose_organisation(facts(district="RG40"), rules, ORGS, 1).rule_id is None


def test_existing_relationship_rule():
    rules = [RuleFacts(1, 1, "Keep with who knows them", use_existing_relationship=True)]
    related = facts(relationships=(ExistingRelationship(3, "recent case CW-2026-000001"),))
    decision = choose_organisation(related, rules, ORGS, fallback_id=1)
    assert (decision.organisation_id, decision.rule_id) == (3, 1)
    assert "CW-2026-000001" in decision.explanation
    assert choose_organisation(facts(), rules, ORGS, fallback_id=1).rule_id is None


def test_a_person_with_an_existing_worker_goes_to_that_workers_organisation_first():
    rules = [RuleFacts(1, 1, "Everything to county", organisation_id=1)]
    decision = choose_organisation(
        facts(existing_worker=ExistingRelationship(2, "worker, Jo, on case X")), rules, ORGS, fallback_id=1
    )
    assert (decision.organisation_id, decision.rule_id) == (2, None)
    assert "already has a worker" in decision.explanation


def test_first_matching_rule_wins_by_position():
    rules = [RuleFacts(7, 2, "Second", organisation_id=2), RuleFacts(8, 1, "First", organisation_id=3)]
    assert choose_organisation(facts(), rules, ORGS, 1).rule_id == 8


def test_a_rule_whose_organisation_lacks_the_capability_is_skipped():
    rules = [
        RuleFacts(
            1,
            1,
            "District with home visits",
            organisation_id=2,
            required_capabilities=frozenset({"home_visits"}),
        ),
        RuleFacts(2, 2, "Otherwise housing", organisation_id=3),
    ]
    assert choose_organisation(facts(), rules, ORGS, 1).rule_id == 2


def test_fallback_when_nothing_matches():
    rules = [RuleFacts(1, 1, "Medium only", risk_category_ids=frozenset({MEDIUM}), organisation_id=2)]
    decision = choose_organisation(facts(risk=None), rules, ORGS, fallback_id=1)
    assert (decision.organisation_id, decision.rule_id) == (1, None)
    assert "fallback organisation, County Council" in decision.explanation
