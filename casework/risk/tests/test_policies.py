"""Who may use Identify: every persona, each predicate against its queryset twin."""

import pytest

from casework.core.permissions import has_perm
from casework.risk import selectors, services
from casework.risk.models import RiskModelVersion, SourceRecord
from casework.risk.tests.conftest import FIXTURES, make_source
from conftest import PERSONAS

pytestmark = pytest.mark.django_db
ALLOWED = {"initiative_admin", "risk_analyst"}


@pytest.fixture
def records(risk_world):
    source = make_source(risk_world.risk_analyst, risk_world.initiative.pk)
    risk_import, _ = services.risk_import_file(
        user=risk_world.risk_analyst, source=source, path=FIXTURES / "savvi_attributes.csv"
    )
    version = services.risk_model_create(
        user=risk_world.risk_analyst,
        initiative_id=risk_world.initiative.pk,
        name="Winter",
        data={"purpose": "p", "legal_basis": "l", "area": "a"},
    )
    return {
        "source": source,
        "import": risk_import,
        "record": SourceRecord.objects.filter(risk_import=risk_import).first(),
        "version": version,
    }


@pytest.mark.parametrize("name", [*PERSONAS, "risk_analyst", "district_analyst"])
def test_each_predicate_agrees_with_its_queryset_twin_for_every_persona(risk_world, records, name):
    user = getattr(risk_world, name)
    allowed = name in ALLOWED
    assert has_perm(user, "risk.use_identify") is allowed
    assert has_perm(user, "risk.use_identify", risk_world.initiative.pk) is allowed
    assert has_perm(user, "risk.use_identify", risk_world.other_initiative.pk) is False
    pairs = [
        ("risk.view_source", records["source"], selectors.source_list_for_user),
        ("risk.view_import", records["import"], selectors.import_list_for_user),
        ("risk.view_source_record", records["record"], selectors.source_record_list_for_user),
        ("risk.view_risk_model", records["version"], selectors.risk_model_version_list_for_user),
        ("risk.change_risk_model", records["version"], selectors.risk_model_version_list_changeable),
    ]
    for permission, obj, twin in pairs:
        in_twin = twin(user=user).filter(pk=obj.pk).exists()
        assert has_perm(user, permission, obj) is in_twin is allowed, (name, permission)


def test_a_version_that_has_run_is_seen_but_not_changed(risk_world, records):
    from casework.core import clock

    RiskModelVersion.objects.filter(pk=records["version"].pk).update(first_run_at=clock.now())
    version = RiskModelVersion.objects.get(pk=records["version"].pk)
    user = risk_world.risk_analyst
    assert has_perm(user, "risk.view_risk_model", version)
    assert not has_perm(user, "risk.change_risk_model", version)
    assert not selectors.risk_model_version_list_changeable(user=user).filter(pk=version.pk).exists()
