"""Rules of a risk model: added, changed and removed on a version that has not run, checked by the pipeline's
rule_errors (a message on each field at fault), audited, with stable ids; the same on the page and the API."""

import json

import pytest
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.errors import ConflictError, DomainError, PermissionRefused, ValidationFailed
from casework.risk import services
from casework.risk.cohort_services import _model_rules
from casework.risk.errors import RiskModelFrozen
from casework.risk.forms import rule_form_initial
from casework.risk.models import RiskModelVersion, RiskRule
from casework.risk.pipeline.cohort import generate
from casework.risk.pipeline.rules import Subject
from tests.factories import RiskCategoryFactory

pytestmark = pytest.mark.django_db
TEXT = {"purpose": "Find older people at risk this winter", "legal_basis": "Care Act 2014 s.2", "area": "W"}
ARREARS = {"factor": "council_tax_reduction/arrears"}


@pytest.fixture
def model_version(risk_world):
    user = risk_world.risk_analyst
    risk_world.high = RiskCategoryFactory(initiative=risk_world.initiative, code="high", label="High", rank=1)
    risk_world.medium = RiskCategoryFactory(
        initiative=risk_world.initiative, code="medium", label="Medium", rank=2
    )
    risk_world.unranked = RiskCategoryFactory(
        initiative=risk_world.initiative, code="low", label="Low", rank=3
    )
    version = services.risk_model_create(
        user=user, initiative_id=risk_world.initiative.pk, name="Winter", data=TEXT
    )
    for rank, category in enumerate((risk_world.high, risk_world.medium), start=1):
        services.risk_model_category_add(user=user, model_version=version, category_id=category.pk, rank=rank)
    for scheme, term, label in (
        ("council_tax_reduction", "arrears", "Council tax arrears"),
        ("frailty", "severe", "Severe frailty"),
    ):
        services.risk_factor_definition_add(
            user=user, model_version=version, scheme=scheme, term=term, label=label
        )
    return version


def _add(world, version, when=ARREARS, category=None, user=None, description=""):
    return services.risk_rule_add(
        user=user or world.risk_analyst,
        model_version=version,
        category_id=(category or world.high).pk,
        when=when,
        description=description,
    )


def test_a_rule_is_added_with_the_next_id_and_a_description_and_is_audited(risk_world, model_version):
    first = _add(risk_world, model_version, description="Council tax arrears")
    second = _add(
        risk_world,
        model_version,
        when={"all": [{"factor": "frailty/severe"}, {"age_at_least": 75}]},
        category=risk_world.medium,
    )
    assert (first.rule_id, first.position, second.rule_id, second.position) == ("R1", 1, "R2", 2)
    # Written from the condition in the factors' own words, when the rule is given no description.
    assert second.description == "severe frailty and aged 75 or over"
    event = AuditEvent.objects.filter(verb="risk.model_rule_added").order_by("pk").last()
    assert event.object_id == str(model_version.pk) and event.changes["rule_id"]["after"] == "R2"


def test_a_bad_rule_is_refused_with_a_message_on_each_field(risk_world, model_version):
    with pytest.raises(ValidationFailed) as refused:
        services.risk_rule_add(
            user=risk_world.risk_analyst,
            model_version=model_version,
            category_id=risk_world.unranked.pk,
            when={"all": [{"factor": "Not a factor"}, {"age_at_least": 200}]},
            description="x" * 201,
        )
    assert set(refused.value.errors) == {"category", "when.all[0]", "when.all[1]", "description"}
    assert "scheme/term" in refused.value.errors["when.all[0]"]
    # A factor the version does not define.
    with pytest.raises(ValidationFailed) as unknown:
        _add(risk_world, model_version, when={"factor": "nhs/shielded"})
    assert "nhs/shielded is not among the model’s risk factors" in unknown.value.errors["when"]
    with pytest.raises(ValidationFailed):
        _add(risk_world, model_version, when="not an object")
    assert not RiskRule.objects.exists()


def test_a_rule_is_changed_keeping_its_id_and_a_stale_change_is_refused(risk_world, model_version):
    rule = _add(risk_world, model_version)
    changed = services.risk_rule_update(
        user=risk_world.risk_analyst,
        rule=rule,
        version=1,
        category_id=risk_world.medium.pk,
        when={"any": [ARREARS, {"factor": "frailty/severe"}]},
        description="",
    )
    assert (changed.rule_id, changed.version, changed.category_id) == ("R1", 2, risk_world.medium.pk)
    event = AuditEvent.objects.get(verb="risk.model_rule_changed")
    assert set(event.changes) == {"category", "when", "description"}
    # The description written from the old condition is written again from the new one.
    assert changed.description == "council tax arrears or severe frailty"
    again = services.risk_rule_update(
        user=risk_world.risk_analyst,
        rule=rule,
        version=2,
        category_id=risk_world.medium.pk,
        when=ARREARS,
        description=changed.description,
    )
    assert (again.description, again.version) == ("council tax arrears", 3)
    with pytest.raises(ConflictError):
        services.risk_rule_update(
            user=risk_world.initiative_admin,
            rule=rule,
            version=1,
            category_id=risk_world.high.pk,
            when=ARREARS,
        )
    with pytest.raises(ConflictError):
        services.risk_rule_remove(user=risk_world.initiative_admin, rule=rule, version=1)
    assert RiskRule.objects.get().category_id == risk_world.medium.pk


def test_a_removed_rules_id_is_never_given_again(risk_world, model_version):
    first = _add(risk_world, model_version)
    services.risk_rule_remove(user=risk_world.initiative_admin, rule=first, version=1)
    assert AuditEvent.objects.get(verb="risk.model_rule_removed").changes["rule_id"]["before"] == "R1"
    assert _add(risk_world, model_version).rule_id == "R2"
    # Nor in a later version of the model, where R1 is gone too.
    copy = services.risk_model_version_copy(user=risk_world.risk_analyst, model_version=model_version)
    assert [r.rule_id for r in copy.rules.all()] == ["R2"]
    assert _add(risk_world, copy).rule_id == "R3"


def test_a_version_that_has_run_refuses_every_rule_change(risk_world, model_version):
    rule = _add(risk_world, model_version)
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    with pytest.raises(RiskModelFrozen):
        _add(risk_world, model_version)
    with pytest.raises(RiskModelFrozen):
        services.risk_rule_update(
            user=risk_world.risk_analyst, rule=rule, version=1, category_id=risk_world.medium.pk, when=ARREARS
        )
    with pytest.raises(RiskModelFrozen):
        services.risk_rule_remove(user=risk_world.risk_analyst, rule=rule, version=1)
    assert RiskRule.objects.get().category_id == risk_world.high.pk


def test_only_the_leads_initiative_admins_and_risk_analysts_keep_rules(risk_world, model_version):
    rule = _add(risk_world, model_version, user=risk_world.initiative_admin)
    for user in (
        risk_world.practitioner,
        risk_world.team_manager,
        risk_world.org_admin,
        risk_world.district_analyst,
        risk_world.outsider,
    ):
        with pytest.raises(PermissionRefused):
            _add(risk_world, model_version, user=user)
        with pytest.raises(PermissionRefused):
            services.risk_rule_update(
                user=user, rule=rule, version=1, category_id=risk_world.medium.pk, when=ARREARS
            )
        with pytest.raises(PermissionRefused):
            services.risk_rule_remove(user=user, rule=rule, version=1)
    assert RiskRule.objects.count() == 1 and RiskRule.objects.get().version == 1


def test_the_form_gives_back_the_parts_of_a_rule_it_built_else_the_json(risk_world, model_version):
    built = _add(
        risk_world,
        model_version,
        when={
            "all": [
                {"any": [ARREARS, {"factor": "frailty/severe"}]},
                {"not": {"factor": "frailty/severe"}},
                {"age_at_least": 75},
                {"area_in": ["RG40", "RG41"]},
            ]
        },
    )
    initial = rule_form_initial(built)
    assert initial["match"] == "any" and initial["factors"] == [
        "council_tax_reduction/arrears",
        "frailty/severe",
    ]
    assert (initial["not_factors"], initial["age_at_least"], initial["areas"]) == (
        ["frailty/severe"],
        75,
        "RG40, RG41",
    )
    deep = _add(risk_world, model_version, when={"not": {"all": [ARREARS, {"age_under": 60}]}})
    assert "expression" in rule_form_initial(deep)


# --- The pages -------------------------------------------------------------------------------------------


@pytest.fixture
def analyst(risk_world, login):
    return login(risk_world.risk_analyst)


def test_the_analyst_builds_a_rule_on_the_page_changes_and_removes_it(risk_world, model_version, analyst):
    page = analyst.get(model_version.get_absolute_url()).content.decode()
    add_url = reverse("risk:version_rule_add", args=[model_version.pk])
    assert add_url in page
    form = analyst.get(add_url).content.decode()
    assert "Severe frailty (frailty/severe)" in form
    response = analyst.post(
        add_url,
        {
            "category": risk_world.high.pk,
            "match": "all",
            "factors": ["council_tax_reduction/arrears"],
            "age_at_least": "75",
            "areas": "RG40, rg41",
            "description": "Council tax arrears and aged 75 or over",
        },
    )
    assert response.status_code == 302
    rule = RiskRule.objects.get()
    assert rule.when == {"all": [ARREARS, {"age_at_least": 75}, {"area_in": ["RG40", "rg41"]}]}
    page = analyst.get(model_version.get_absolute_url()).content.decode()
    assert "Rule R1 has been added." in page and "Council tax arrears and aged 75 or over" in page
    edit_url = reverse("risk:version_rule_edit", args=[model_version.pk, rule.pk])
    assert 'value="RG40, rg41"' in analyst.get(edit_url).content.decode()
    response = analyst.post(
        edit_url,
        {"version": 1, "category": risk_world.medium.pk, "expression": '{"factor": "frailty/severe"}'},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.rule_id, rule.when, rule.category_id) == (
        "R1",
        {"factor": "frailty/severe"},
        risk_world.medium.pk,
    )
    response = analyst.post(
        reverse("risk:version_rule_remove", args=[model_version.pk, rule.pk]), {"version": rule.version}
    )
    assert response.status_code == 302 and not RiskRule.objects.exists()


def test_a_rule_with_nothing_to_hold_or_a_bad_part_shows_the_error_summary(
    risk_world, model_version, analyst
):
    add_url = reverse("risk:version_rule_add", args=[model_version.pk])
    page = analyst.post(add_url, {"category": risk_world.high.pk}).content.decode()
    assert "govuk-error-summary" in page and "Choose at least one risk factor" in page
    page = analyst.post(
        add_url, {"category": risk_world.high.pk, "expression": '{"age_at_least": "old"}'}
    ).content.decode()
    assert "govuk-error-summary" in page and "whole number of years" in page
    page = analyst.post(add_url, {"category": risk_world.high.pk, "expression": "{nope"}).content.decode()
    assert "not valid JSON" in page
    assert not RiskRule.objects.exists()


def test_the_rule_pages_refuse_a_version_that_has_run_and_anyone_else(risk_world, model_version, client):
    rule = _add(risk_world, model_version)
    urls = [
        reverse("risk:version_rule_add", args=[model_version.pk]),
        reverse("risk:version_rule_edit", args=[model_version.pk, rule.pk]),
    ]
    remove = reverse("risk:version_rule_remove", args=[model_version.pk, rule.pk])
    client.force_login(risk_world.initiative_admin)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    for user in (risk_world.practitioner, risk_world.district_analyst, risk_world.outsider):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404], user
        assert client.post(remove, {"version": 1}).status_code == 404
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    client.force_login(risk_world.risk_analyst)
    page = client.get(model_version.get_absolute_url()).content.decode()
    assert urls[0] not in page and remove not in page
    assert [client.get(url).status_code for url in urls] == [403, 403]
    assert client.post(remove, {"version": 1}).status_code == 403
    assert RiskRule.objects.exists()


# --- The API ---------------------------------------------------------------------------------------------


def test_the_api_adds_changes_and_removes_rules_with_the_same_checks(risk_world, model_version, api):
    analyst = api(risk_world.risk_analyst)
    base = f"/risk/models/{model_version.pk}/rules"
    made = analyst.post(base, {"category_id": risk_world.high.pk, "when": json.dumps(ARREARS)})
    assert made.status_code == 201 and made.json()["rule_id"] == "R1" and made.json()["version"] == 1
    rule_id = made.json()["id"]
    bad = analyst.post(base, {"category_id": risk_world.unranked.pk, "when": '{"all": []}'})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"category", "when"}
    not_json = analyst.post(base, {"category_id": risk_world.high.pk, "when": "{nope"})
    assert not_json.status_code == 422 and not_json.json()["errors"][0]["field"] == "when"
    # An escaped NUL in the JSON text is refused, never stored.
    nul = analyst.post(base, {"category_id": risk_world.high.pk, "when": '{"area_in": ["RG40\\u0000"]}'})
    assert nul.status_code == 422 and "NUL" in nul.content.decode()
    changed = analyst.post(
        f"{base}/{rule_id}/change",
        {"category_id": risk_world.medium.pk, "when": '{"factor": "frailty/severe"}', "version": 1},
    )
    assert changed.status_code == 200 and changed.json()["rule_id"] == "R1" and changed.json()["version"] == 2
    stale = analyst.post(
        f"{base}/{rule_id}/change",
        {"category_id": risk_world.high.pk, "when": json.dumps(ARREARS), "version": 1},
    )
    assert stale.status_code == 409
    assert [r["rule_id"] for r in analyst.get(base).json()] == ["R1"]
    assert analyst.get(f"{base}/{rule_id}").json()["category_id"] == risk_world.medium.pk
    for user in (risk_world.practitioner, risk_world.district_analyst, risk_world.outsider):
        other = api(user)
        assert other.get(base).status_code == 404
        assert (
            other.post(base, {"category_id": risk_world.high.pk, "when": json.dumps(ARREARS)}).status_code
            == 404
        )
        assert other.post(f"{base}/{rule_id}/remove", {"version": 2}).status_code == 404
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    frozen = analyst.post(f"{base}/{rule_id}/remove", {"version": 2})
    assert frozen.status_code == 409 and "has run" in frozen.json()["detail"]
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=None)
    assert analyst.post(f"{base}/{rule_id}/remove", {"version": 2}).status_code == 204
    assert not RiskRule.objects.exists()


# --- Order ----------------------------------------------------------------------------------------------


def _order(version):
    return [rule.rule_id for rule in RiskRule.objects.filter(model_version=version)]


def test_a_rule_moves_up_or_down_the_cohort_follows_and_the_ends_refuse(risk_world, model_version):
    first = _add(risk_world, model_version, description="Arrears")
    second = _add(risk_world, model_version, when={"factor": "frailty/severe"}, category=risk_world.medium)
    third = _add(risk_world, model_version, when={"age_at_least": 75}, category=risk_world.medium)
    services.risk_rule_remove(user=risk_world.risk_analyst, rule=second, version=1)
    fourth = _add(risk_world, model_version, when={"age_at_least": 80})
    assert _order(model_version) == ["R1", "R3", "R4"]
    moved = services.risk_rule_move(user=risk_world.risk_analyst, rule=fourth, version=1, direction="up")
    assert moved.version == 2 and _order(model_version) == ["R1", "R4", "R3"]
    assert list(RiskRule.objects.filter(model_version=model_version).values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    event = AuditEvent.objects.get(verb="risk.model_rule_moved")
    assert event.changes["order"] == {"before": ["R1", "R3", "R4"], "after": ["R1", "R4", "R3"]}
    # The cohort lists the rules that fired in the version's order, the explanation with it.
    rules, rank, _labels, _ids = _model_rules(model_version)
    subject = Subject(key="p1", factors=frozenset({"council_tax_reduction/arrears"}), age=85, area="RG40")
    assert generate([subject], rules, rank)[0].rule_ids == ("R1", "R4", "R3")
    services.risk_rule_move(user=risk_world.risk_analyst, rule=first, version=1, direction="down")
    assert _order(model_version) == ["R4", "R1", "R3"]
    with pytest.raises(ConflictError):  # the rule changed (moved) since version 1 was read
        services.risk_rule_move(user=risk_world.risk_analyst, rule=fourth, version=1, direction="down")
    for rule, direction, message in (
        (fourth, "up", "R4 is already first"),
        (third, "down", "R3 is already last"),
    ):
        rule.refresh_from_db()
        with pytest.raises(DomainError, match=message):
            services.risk_rule_move(
                user=risk_world.risk_analyst, rule=rule, version=rule.version, direction=direction
            )
    with pytest.raises(ValidationFailed):
        services.risk_rule_move(user=risk_world.risk_analyst, rule=third, version=1, direction="sideways")
    assert _order(model_version) == ["R4", "R1", "R3"]
    for user in (risk_world.practitioner, risk_world.org_admin, risk_world.district_analyst):
        with pytest.raises(PermissionRefused):
            services.risk_rule_move(user=user, rule=first, version=2, direction="up")
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    with pytest.raises(RiskModelFrozen):
        services.risk_rule_move(user=risk_world.risk_analyst, rule=first, version=2, direction="up")
    assert _order(model_version) == ["R4", "R1", "R3"]
    assert AuditEvent.objects.filter(verb="risk.model_rule_moved").count() == 2


def test_the_page_and_the_api_move_rules(risk_world, model_version, analyst, api, client):
    first = _add(risk_world, model_version)
    second = _add(risk_world, model_version, when={"factor": "frailty/severe"})
    move = reverse("risk:version_rule_move", args=[model_version.pk, second.pk])
    page = analyst.get(model_version.get_absolute_url()).content.decode()
    assert move in page and "Move up<span" in page and "Move down<span" in page
    response = analyst.post(move, {"version": 1, "direction": "up"})
    assert response.status_code == 302 and _order(model_version) == ["R2", "R1"]
    assert "Rule R2 moved up." in analyst.get(model_version.get_absolute_url()).content.decode()
    stale = analyst.post(move, {"version": 1, "direction": "down"}, follow=True).content.decode()
    assert "changed" in stale and _order(model_version) == ["R2", "R1"]
    client.force_login(risk_world.practitioner)
    assert client.post(move, {"version": 2, "direction": "down"}).status_code == 404
    base = f"/risk/models/{model_version.pk}/rules"
    moved = api(risk_world.risk_analyst).post(f"{base}/{first.pk}/move", {"version": 1, "direction": "up"})
    assert moved.status_code == 200 and [r["rule_id"] for r in moved.json()] == ["R1", "R2"]
    ends = api(risk_world.risk_analyst).post(f"{base}/{first.pk}/move", {"version": 2, "direction": "up"})
    assert ends.status_code == 409 and "already first" in ends.json()["detail"]
    bad = api(risk_world.risk_analyst).post(f"{base}/{first.pk}/move", {"version": 2, "direction": "left"})
    assert bad.status_code == 422
    assert (
        api(risk_world.outsider)
        .post(f"{base}/{first.pk}/move", {"version": 2, "direction": "down"})
        .status_code
        == 404
    )
    assert _order(model_version) == ["R1", "R2"]
