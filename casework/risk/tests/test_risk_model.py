"""The risk model: kept by the lead's initiative admins and risk analysts, versioned, frozen once run."""

import pytest

from casework.audit.models import AuditEvent
from casework.core import clock
from casework.core.errors import DomainError, PermissionRefused, ValidationFailed
from casework.risk import services
from casework.risk.errors import RiskModelFrozen
from casework.risk.models import RiskModelVersion, RiskRule
from tests.factories import RiskCategoryFactory

pytestmark = pytest.mark.django_db
TEXT = {
    "purpose": "Find older people at risk this winter",
    "legal_basis": "Care Act 2014 s.2",
    "area": "Wessex",
}


@pytest.fixture
def model_version(risk_world):
    risk_world.high = RiskCategoryFactory(initiative=risk_world.initiative, code="high", label="High", rank=1)
    risk_world.medium = RiskCategoryFactory(
        initiative=risk_world.initiative, code="medium", label="Medium", rank=2
    )
    version = services.risk_model_create(
        user=risk_world.risk_analyst, initiative_id=risk_world.initiative.pk, name="Winter", data=TEXT
    )
    services.risk_model_category_add(
        user=risk_world.risk_analyst, model_version=version, category_id=risk_world.high.pk, rank=1
    )
    services.risk_factor_definition_add(
        user=risk_world.risk_analyst, model_version=version, scheme="council_tax_reduction", term="Arrears",
        label="Council tax arrears",
    )  # fmt: skip
    return version


def _rule(version, category, rule_id="R1"):
    # A rule as the model keeps it (the rule pages come with the pipeline's grammar check).
    return RiskRule.objects.create(
        model_version=version,
        rule_id=rule_id,
        category=category,
        when={"factor": "council_tax_reduction/arrears"},
        description="council tax arrears",
        position=1,
    )


def test_a_model_starts_at_version_one_and_is_audited(risk_world, model_version):
    assert (model_version.number, model_version.model.name, model_version.area) == (1, "Winter", "Wessex")
    assert AuditEvent.objects.filter(verb="risk.model_created", object_id=str(model_version.pk)).exists()
    # The factor is kept in normal form, as the rules and the imports write it.
    assert [f.code for f in model_version.factor_definitions.all()] == ["council_tax_reduction/arrears"]


def test_a_version_that_has_run_can_never_change(risk_world, model_version):
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    # The caller's copy still says it has not run: the service reads it again.
    analyst = risk_world.risk_analyst
    refused = [
        lambda: services.risk_model_version_change(
            user=analyst,
            model_version=model_version,
            version=model_version.version,
            data={**TEXT, "area": "X"},
        ),
        lambda: services.risk_model_category_add(
            user=analyst, model_version=model_version, category_id=risk_world.medium.pk, rank=2
        ),
        lambda: services.risk_model_category_remove(
            user=analyst, model_category=model_version.categories.get()
        ),
        lambda: services.risk_factor_definition_add(
            user=analyst, model_version=model_version, scheme="nhs", term="shielded", label="Shielded"
        ),
        lambda: services.risk_factor_definition_remove(
            user=analyst, factor=model_version.factor_definitions.get()
        ),
    ]
    events = AuditEvent.objects.count()
    for call in refused:
        with pytest.raises(RiskModelFrozen, match="has run"):
            call()
    model_version.refresh_from_db()
    assert model_version.area == "Wessex" and model_version.categories.count() == 1
    assert model_version.factor_definitions.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_new_version_is_a_copy_that_keeps_the_rule_ids_and_may_change(risk_world, model_version):
    _rule(model_version, risk_world.high, "R3")
    RiskModelVersion.objects.filter(pk=model_version.pk).update(first_run_at=clock.now())
    copy = services.risk_model_version_copy(user=risk_world.risk_analyst, model_version=model_version)
    assert (copy.number, copy.copied_from_id, copy.has_run) == (2, model_version.pk, False)
    assert [(r.rule_id, r.category_id, r.when) for r in copy.rules.all()] == [
        ("R3", risk_world.high.pk, {"factor": "council_tax_reduction/arrears"})
    ]
    assert [(c.category_id, c.rank) for c in copy.categories.all()] == [(risk_world.high.pk, 1)]
    assert [f.code for f in copy.factor_definitions.all()] == ["council_tax_reduction/arrears"]
    services.risk_model_version_change(
        user=risk_world.risk_analyst,
        model_version=copy,
        version=copy.version,
        data={**TEXT, "area": "Wessex north"},
    )
    assert RiskModelVersion.objects.get(pk=copy.pk).area == "Wessex north"
    assert RiskModelVersion.objects.get(pk=model_version.pk).area == "Wessex"
    assert AuditEvent.objects.filter(verb="risk.model_version_copied", object_id=str(copy.pk)).exists()


def test_a_change_from_a_stale_page_is_refused(risk_world, model_version):
    services.risk_model_version_change(
        user=risk_world.risk_analyst, model_version=model_version, version=1, data={**TEXT, "area": "A"}
    )
    with pytest.raises(DomainError, match="Somebody else"):
        services.risk_model_version_change(
            user=risk_world.initiative_admin,
            model_version=model_version,
            version=1,
            data={**TEXT, "area": "B"},
        )


def test_categories_are_the_initiatives_each_with_its_own_rank(risk_world, model_version):
    other = RiskCategoryFactory(initiative=risk_world.other_initiative, code="high", label="High", rank=1)
    analyst = risk_world.risk_analyst
    with pytest.raises(ValidationFailed) as refused:
        services.risk_model_category_add(
            user=analyst, model_version=model_version, category_id=other.pk, rank=2
        )
    assert refused.value.field == "category"
    with pytest.raises(ValidationFailed) as refused:
        services.risk_model_category_add(
            user=analyst, model_version=model_version, category_id=risk_world.medium.pk, rank=1
        )
    assert refused.value.field == "rank"
    services.risk_model_category_add(
        user=analyst, model_version=model_version, category_id=risk_world.medium.pk, rank=2
    )
    assert [c.category.code for c in model_version.categories.all()] == ["high", "medium"]


def test_a_category_or_factor_a_rule_uses_cannot_be_removed(risk_world, model_version):
    _rule(model_version, risk_world.high)
    with pytest.raises(DomainError, match="A rule gives"):
        services.risk_model_category_remove(
            user=risk_world.risk_analyst, model_category=model_version.categories.get()
        )
    with pytest.raises(DomainError, match="Rule R1 uses"):
        services.risk_factor_definition_remove(
            user=risk_world.risk_analyst, factor=model_version.factor_definitions.get()
        )


def test_factors_named_finds_every_factor_however_deep():
    when = {"all": [{"factor": "a/b"}, {"any": [{"not": {"factor": "c/d"}}, {"age_at_least": 75}]}]}
    assert services.factors_named(when) == {"a/b", "c/d"}


def test_only_the_leads_identify_users_keep_the_model(risk_world, model_version):
    for user in (
        risk_world.practitioner,
        risk_world.org_admin,
        risk_world.district_analyst,
        risk_world.outsider,
    ):
        with pytest.raises(PermissionRefused):
            services.risk_model_create(
                user=user, initiative_id=risk_world.initiative.pk, name="Other", data=TEXT
            )
        with pytest.raises(PermissionRefused):
            services.risk_model_version_copy(user=user, model_version=model_version)
    assert RiskModelVersion.objects.count() == 1
