"""The demo's logins that must use MFA have a demo authenticator, and `demo_mfa_code` gives its code."""

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.mfa import mfa_enrolment_confirm, mfa_enrolment_start, totp_code
from casework.accounts.models import User
from casework.demo.builder import PRODUCTION_REFUSAL, build_demo, demo_logins_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    return build_demo(people=20, seed=2026, progress_stream=io.StringIO())


def code(username):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_mfa_code", username, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_admin_and_auditor_logins_have_a_demo_authenticator(demo):
    with_app = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert with_app == {"orgadmin", "initiativeadmin", "auditor", "riskanalyst"}
    table = demo_logins_table()
    assert "auditor, initiativeadmin, orgadmin, riskanalyst also enter a code" in table
    assert "python manage.py demo_mfa_code USERNAME" in table


def test_demo_mfa_code_signs_a_demo_admin_in(demo, client):
    client.post(
        reverse("accounts:login"), {"username": "orgadmin", "password": django_settings.DEMO_PASSWORD}
    )
    assert client.get(reverse("core:home")).url.startswith(reverse("accounts:mfa_verify"))
    current, notes = code("orgadmin")
    assert re.fullmatch(r"\d{6}", current)
    assert "add this key to it" in notes
    response = client.post(reverse("accounts:mfa_verify"), {"code": current})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_demo_mfa_code_refuses_in_production_mode_and_for_others(demo, settings):
    with pytest.raises(CommandError, match="worker has no demo authenticator"):
        code("worker")
    with pytest.raises(CommandError, match="not a demo login"):
        code("somebody")
    settings.DEBUG = False
    with pytest.raises(CommandError, match=PRODUCTION_REFUSAL):
        code("orgadmin")


def test_demo_mfa_code_never_gives_the_code_of_an_app_someone_set_up(demo):
    user = User.objects.get(username="auditor")
    TOTPDevice.objects.filter(user=user).delete()
    device = mfa_enrolment_start(user=user).device
    mfa_enrolment_confirm(user=user, code=totp_code(device))
    with pytest.raises(CommandError, match="auditor has no demo authenticator"):
        code("auditor")
