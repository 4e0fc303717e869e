"""core/pages: a service's refusal becomes what the user sees in one way, from a form or from a button."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from casework.core.errors import DomainError, PermissionRefused, ValidationFailed
from casework.core.pages import run_action_service, run_form_service


class NameForm(forms.Form):
    name = forms.CharField()
    town = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def _form() -> NameForm:
    form = NameForm({"name": "Ada", "town": ""})
    assert form.is_valid()
    return form


def _refuse(error: Exception):
    def call(*_args):
        raise error

    return call


def test_a_form_service_that_works_gets_the_data_and_says_so():
    request, form, got = _request(), _form(), []

    assert run_form_service(request, form, got.append, lambda: f"{got[0]['name']} has been added.") is True
    assert got == [{"name": "Ada", "town": ""}]
    assert _said(request) == [("success", "Ada has been added.")]


def test_a_page_that_says_nothing_on_success_gives_no_message():
    request = _request()

    assert run_form_service(request, _form(), lambda _d: None, None) is True
    assert _said(request) == []


def test_a_refusal_goes_on_its_field_named_as_the_form_names_it():
    request, form = _request(), _form()
    refusal = ValidationFailed("Enter a town", field="place")

    assert run_form_service(request, form, _refuse(refusal), "Saved.", {"place": "town"}) is False
    assert form.errors == {"town": ["Enter a town"]}
    assert _said(request) == []


def test_a_refusal_of_no_field_of_the_form_goes_in_the_error_summary():
    form = _form()

    assert run_form_service(_request(), form, _refuse(DomainError("Closed already.")), "Saved.") is False
    assert form.non_field_errors() == ["Closed already."]


def test_a_refusal_of_the_user_is_a_403_from_a_form_or_a_button():
    with pytest.raises(PermissionDenied, match="Not yours."):
        run_form_service(_request(), _form(), _refuse(PermissionRefused("Not yours.")), "Saved.")
    with pytest.raises(PermissionDenied, match="Not yours."):
        run_action_service(_request(), _refuse(PermissionRefused("Not yours.")), "Done.")


def test_a_button_says_it_worked_or_why_not():
    request = _request()
    assert run_action_service(request, lambda: None, "The relationship has been ended.") is True
    assert run_action_service(request, _refuse(DomainError("It has already ended.")), "Never said.") is False
    assert run_action_service(request, lambda: None, None) is True
    assert _said(request) == [
        ("success", "The relationship has been ended."),
        ("error", "It has already ended."),
    ]
