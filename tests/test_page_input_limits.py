"""What the pages take is bounded (issue 12): ids in addresses and query strings, NUL characters, text,
dates and UPRNs. Each was a server error, or was stored, before."""

import datetime

import pytest
from django import forms
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter

from casework.accounts.models import Team
from casework.allocation import services as allocation
from casework.allocation.forms import AllocationRuleForm
from casework.cases import services as case_services
from casework.cases.models import CaseAssignment
from casework.contacts.forms import MessageForm
from casework.core import clock, limits
from casework.core.converters import IdConverter
from casework.people.forms import HouseholdForm, PersonForm
from casework.safeguarding.forms import ConcernForm
from casework.tasks.forms import TaskAddForm
from tests.factories import CaseFactory, RiskCategoryFactory

BIG = 2**63  # one past the largest bigint


@pytest.fixture
def active_case(world):
    """A case of the county accepted by world.practitioner."""
    return allocation.case_accept(user=world.practitioner, case=CaseFactory(person=world.person))


def _patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_every_id_in_a_page_address_is_bounded():
    """<int:...> takes any number of digits; every page names its ids with <id:...> (core/converters.py)."""
    unbounded = [
        route
        for route, pattern in _patterns()
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    ]
    assert unbounded == []
    assert any(isinstance(c, IdConverter) for _, p in _patterns() for c in p.pattern.converters.values())


def test_an_id_past_64_bits_in_a_page_address_matches_no_page(login, world):
    assert resolve(f"/cases/{limits.MAX_ID}/").kwargs == {"case_id": limits.MAX_ID}
    for path in (f"/cases/{BIG}/", "/cases/0/", "/cases/007/", f"/people/1/relationships/{BIG}/end"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert login(world.practitioner).get(f"/tasks/{BIG}/").status_code == 404


@pytest.mark.parametrize(
    "path, key",
    [
        ("/contacts/new", "case"),
        ("/contacts/new", "person"),
        ("/tasks/new", "case"),
        ("/tasks/new", "person"),
        ("/safeguarding/new", "contact"),
        ("/safeguarding/new", "case"),
        ("/cases/new", "person"),
    ],
)
@pytest.mark.parametrize("value", ["²", str(BIG)])
def test_an_id_in_a_query_string_that_is_no_id_is_a_404(login, world, path, key, value):
    # "²".isdigit() is true and int("²") an error: these were server errors.
    assert login(world.team_manager).get(path, {key: value}).status_code == 404


def test_ids_posted_that_are_no_ids_change_nothing(login, world):
    client = login(world.org_admin)
    response = client.post(
        f"/people/{world.restricted_person.pk}/restriction", {"action": "unname", "user": "²"}
    )
    assert response.status_code == 302
    assert world.restricted_person.restricted_access.count() == 1
    assert client.post("/accounts/jobs/failures", {"failure": "²"}).status_code == 200


@pytest.fixture
def second_worker(world, active_case):
    case_services.case_add_worker(user=world.practitioner, case=active_case, worker=world.practitioner2)
    active_case.refresh_from_db()
    return world.practitioner2


def _remove(client, case, worker, reason):
    return client.post(
        f"/cases/{case.pk}/workers/{worker.pk}/remove", {"version": case.version, "reason": reason}
    )


def test_a_nul_character_in_a_form_is_a_400_and_changes_nothing(login, world, active_case, second_worker):
    response = _remove(login(world.practitioner), active_case, second_worker, "Moved\x00 team")
    assert response.status_code == 400
    assert CaseAssignment.objects.filter(case=active_case, user=second_worker, ended_at__isnull=True).exists()


def test_a_nul_character_in_a_query_string_is_a_400(login, world):
    assert login(world.practitioner).get("/cases/worklist", {"area": "RG\x0040"}).status_code == 400
    assert login(world.practitioner).get("/cases/worklist", {"area": "RG40"}).status_code == 200


def test_a_reason_read_without_its_form_is_bounded_too(login, world, active_case, second_worker):
    response = _remove(login(world.practitioner), active_case, second_worker, "x" * 1001)
    assert response.status_code == 302
    assert CaseAssignment.objects.filter(case=active_case, user=second_worker, ended_at__isnull=True).exists()
    _remove(login(world.practitioner), active_case, second_worker, "Moved team")
    assert CaseAssignment.objects.get(case=active_case, user=second_worker).end_reason == "Moved team"


def test_over_long_free_text_is_refused_by_the_form():
    concern = ConcernForm(
        data={"at_risk": "adult", "what_happened": "x" * (limits.TEXT_LENGTH + 1), "immediate_danger": "no"}
    )
    assert not concern.is_valid()
    assert list(concern.errors) == ["what_happened"]
    message = MessageForm(data={"body": "x" * limits.TEXT_LENGTH, "told_person": "Tomorrow"})
    assert message.is_valid()


def _date(day: datetime.date) -> dict:
    return {"due_date_0": str(day.day), "due_date_1": str(day.month), "due_date_2": str(day.year)}


def test_a_task_due_far_ahead_is_refused_by_the_form(world):
    team = Team.objects.get(pk=world.team.pk)
    data = {"title": "Ring the OT", "kind": "follow_up", "assigned_to": f"team:{team.pk}"}
    far = TaskAddForm(data={**data, **_date(datetime.date(9999, 1, 1))}, teams=[team])
    assert not far.is_valid()
    latest = limits.latest_date()
    assert far.errors["due_date"] == [f"Due date must be the same as or before {latest.day} {latest:%B %Y}"]
    assert far.errors.as_data()["due_date"][0].params["govuk_date_parts"] == ("year",)
    assert TaskAddForm(data={**data, **_date(latest)}, teams=[team]).is_valid()


def test_a_date_of_birth_before_1890_is_refused_by_the_form():
    form = PersonForm(
        data={
            "given_name": "Ann",
            "family_name": "Ovel",
            "date_of_birth_0": "31",
            "date_of_birth_1": "12",
            "date_of_birth_2": "1889",
        }
    )
    assert form.errors["date_of_birth"] == ["Date of birth must be the same as or after 1 January 1890"]


@pytest.mark.parametrize("form_class", [PersonForm, HouseholdForm])
@pytest.mark.parametrize(
    "uprn, valid", [("1234567890123", False), ("0", False), ("-5", False), ("999999999999", True)]
)
def test_a_uprn_is_a_number_of_up_to_12_digits(form_class, uprn, valid):
    form = form_class(data={"given_name": "Ann", "family_name": "Ovel", "uprn": uprn})
    assert ("uprn" not in form.errors) is valid
    if not valid:
        assert form.errors["uprn"] == ["UPRN must be a number of up to 12 digits, like 100023336956"]


def test_a_risk_category_id_past_64_bits_is_an_invalid_choice(world):
    from casework.cases.models import RiskCategory

    RiskCategoryFactory(initiative=world.initiative, code="high", label="High", rank=1)
    form = AllocationRuleForm(
        data={"risk_categories": [str(BIG)]}, risk_categories=RiskCategory.objects.all()
    )
    assert not form.is_valid()  # was OverflowError from SQLite
    assert form.errors["risk_categories"] == [f"“{BIG}” is not a valid value."]


def test_id_from_takes_only_ids():
    ids = [limits.id_from(value) for value in ("1", "42", str(limits.MAX_ID), 7)]
    assert ids == [1, 42, limits.MAX_ID, 7]
    not_ids = ("", "0", "-1", "²", "1.0", " 1", str(BIG), None, "1" * 30, 0)
    assert {limits.id_from(value) for value in not_ids} == {None}


def test_the_latest_date_from_29_february_is_28_february():
    with clock.frozen_at(datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC)):
        assert limits.latest_date() == datetime.date(2028 + limits.YEARS_AHEAD, 2, 28)
        tomorrow = datetime.date(2028, 3, 1)
        assert limits.date_problem(tomorrow, allow_future=False) == "must be today or in the past"
        assert limits.date_problem(datetime.date(1890, 1, 1)) is None


# Every form's fields: a new one cannot forget its bounds.


def _form_classes():
    import importlib
    import pkgutil

    import casework

    for module in pkgutil.iter_modules(casework.__path__):
        try:
            importlib.import_module(f"casework.{module.name}.forms")
        except ModuleNotFoundError:
            pass

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # The application's forms, not the ones a test module defines to exercise a helper.
    return {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.startswith("casework.") and ".tests." not in cls.__module__
    }


# Bounded where the form is made (AuthenticationForm sets the username's length from the user model), or
# never stored (the password, checked against its hash; the body limit bounds it).
NOT_DECLARED = {("SignInForm", "username"), ("SignInForm", "password")}


def unbounded_fields(form_fields: dict, form_name: str) -> list[str]:
    problems = []
    for name, field in form_fields.items():
        if (form_name, name) in NOT_DECLARED:
            continue
        if isinstance(field, forms.CharField) and not field.max_length:
            problems.append(f"{form_name}.{name}: text without max_length")
        numeric = isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField)
        if numeric and field.max_value is None:
            problems.append(f"{form_name}.{name}: number without max_value")
        if type(field) is forms.ModelMultipleChoiceField:
            problems.append(f"{form_name}.{name}: use BoundedModelMultipleChoiceField (ids reach pk__in)")
    return problems


def test_every_form_field_is_bounded():
    classes = _form_classes()
    assert len(classes) > 50
    problems = [problem for cls in classes for problem in unbounded_fields(cls.base_fields, cls.__name__)]
    assert problems == []


def test_the_fields_made_from_a_schema_are_bounded():
    from casework.assessments.forms import AssessmentAnswersForm

    schema = {
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {"id": "short", "label": "Short", "type": "text"},
                    {"id": "long", "label": "Long", "type": "long_text"},
                    {"id": "when", "label": "When", "type": "date"},
                ],
            }
        ]
    }
    form = AssessmentAnswersForm(schema=schema, risk_categories=[])
    assert unbounded_fields(form.fields, "AssessmentAnswersForm") == []


def test_the_walk_finds_an_unbounded_field():
    fields = {"note": forms.CharField(), "count": forms.IntegerField(), "ok": forms.CharField(max_length=3)}
    assert unbounded_fields(fields, "F") == [
        "F.note: text without max_length",
        "F.count: number without max_value",
    ]
