"""Multi-factor sign-in, through the real steps: the password form, then the code (ADR 12).

These tests sign in with the password only (`sign_in`), never with the force_login that the root conftest
makes pass MFA, so the middleware is what decides."""

import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import mfa
from casework.audit.models import AuditEvent
from casework.core.errors import PermissionRefused

REQUIRED = ["org_admin", "auditor", "initiative_admin"]
SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")
HOME = reverse("core:home")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now, or a step later: a code accepted once is not accepted again (django-otp's
    last_t)."""
    return mfa.totp_code(device, at=time.time() + steps_ahead * device.step)


def sign_in(client, user):
    """The password step alone, through the sign-in form."""
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return response


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = mfa.mfa_enrolment_start(user=user).device
    return mfa.mfa_enrolment_confirm(user=user, code=code_for(device))


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are none of the codes the app could show around now."""
    near = {code_for(device, steps) for steps in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in near)


def events(verb, user):
    return list(AuditEvent.objects.filter(verb=verb, object_id=str(user.pk)).order_by("sequence"))


PAGES = [
    "/",
    "/people/",
    "/cases/mine",
    "/people/break-glass/reviews",
    "/accounts/security",
    "/accounts/security/users",
    "/api/v1/docs",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("who", REQUIRED)
def test_a_required_role_reaches_nothing_before_setting_up_mfa(client, world, who, settings):
    settings.API_DOCS_PUBLIC = False
    user = getattr(world, who)
    response = sign_in(client, user)
    assert client.get(response.url).url.startswith(SETUP)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(SETUP), path
    # The API refuses the session (a bearer token is another matter), and sign-out still works.
    assert client.get("/api/v1/cases").status_code == 401
    page = client.get(SETUP)
    assert page.status_code == 200
    assert b"Set up an authenticator app" in page.content
    assert b"Find a person" not in page.content  # no navigation before sign-in is finished
    client.post(reverse("accounts:logout"))
    assert client.get(HOME).url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["org_admin", "practitioner"])
def test_a_user_with_an_app_reaches_nothing_before_entering_a_code(client, world, who):
    user = getattr(world, who)
    enrol(user)
    sign_in(client, user)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(VERIFY), path
    # Nor can it set up a second app to get round the code.
    assert client.get(SETUP).url.startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"}).url.startswith(VERIFY)
    assert client.get("/api/v1/cases").status_code == 401


def test_a_practitioner_needs_no_mfa_unless_it_is_required_for_all(client, world, settings):
    sign_in(client, world.practitioner)
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/cases").status_code == 200

    settings.MFA_REQUIRED_FOR_ALL = True
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_the_required_roles_are_a_setting(client, world, settings):
    settings.MFA_REQUIRED_ROLES = frozenset({"practitioner"})
    sign_in(client, world.practitioner)
    assert client.get(HOME).url.startswith(SETUP)
    other = client.__class__()
    sign_in(other, world.org_admin)
    assert other.get(HOME).status_code == 200


def test_an_api_token_works_without_the_second_factor(api, world, settings):
    settings.MFA_REQUIRED_FOR_ALL = True
    enrol(world.practitioner)
    assert api(world.practitioner).get("/cases").status_code == 200
    assert api(world.initiative_admin).get("/cases/index").status_code == 200


def test_setting_up_takes_one_code_then_shows_the_recovery_codes_once(client, world):
    user = world.org_admin
    sign_in(client, user)
    security = reverse("accounts:security")
    page = client.get(SETUP, {"next": security})
    content = page.content.decode()
    assert "<svg" in content and 'role="img"' in content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.Enrolment(device).secret in content  # the key to type in, for those who cannot scan

    wrong = client.post(SETUP, {"code": wrong_code(device), "next": security})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    assert len(events("accounts.mfa_failed", user)) == 1
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )

    response = client.post(SETUP, {"code": code_for(device), "next": security})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:mfa_recovery_codes"))
    codes_page = client.get(response.url)
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == settings.MFA_RECOVERY_CODES == 10
    for code in codes:
        assert code in codes_page.content.decode()
    assert f'href="{security}"' in codes_page.content.decode()
    again = client.get(reverse("accounts:mfa_recovery_codes"))
    assert again.status_code == 302 and not any(code in again.content.decode() for code in codes)

    assert client.get(security).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    [enrolled] = events("accounts.mfa_enrolled", user)
    assert enrolled.actor_id == user.pk and enrolled.changes["recovery_codes"]["after"] == 10


def test_signing_in_with_the_app_and_a_replayed_code(client, world):
    user = world.auditor
    device, _codes = enrol(user)
    sign_in(client, user)
    code = code_for(device, steps_ahead=1)
    response = client.post(VERIFY, {"code": code, "next": "/people/break-glass/reviews"})
    assert response.status_code == 302 and response.url == "/people/break-glass/reviews"
    assert client.get("/people/break-glass/reviews").status_code == 200
    assert len(events("accounts.mfa_verified", user)) == 1

    other = client.__class__()
    sign_in(other, user)
    replayed = other.post(VERIFY, {"code": code})
    assert replayed.status_code == 200 and "The code is not right" in replayed.content.decode()
    assert other.get(HOME).url.startswith(VERIFY)


def test_a_recovery_code_works_once_only(client, world):
    user = world.org_admin
    _device, codes = enrol(user)
    sign_in(client, user)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "You used a recovery code" in response.content.decode()
    assert "You have 9 left" in response.content.decode()
    assert client.get(HOME).status_code == 200
    [used] = events("accounts.mfa_recovery_code_used", user)
    assert used.changes["recovery_codes"] == {"before": 10, "after": 9}

    other = client.__class__()
    sign_in(other, user)
    again = other.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200 and "The code is not right" in again.content.decode()
    assert other.get(HOME).url.startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_a_wrong_code_is_refused_and_audited(client, world):
    user = world.initiative_admin
    device, _codes = enrol(user)
    sign_in(client, user)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and "The code is not right" in content
    assert client.get(HOME).url.startswith(VERIFY)
    [failed] = events("accounts.mfa_failed", user)
    assert failed.actor_id == user.pk
    assert failed.changes["stage"]["after"] == "sign_in" and failed.changes["failures"]["after"] == 1
    assert client.post(VERIFY, {"code": ""}).status_code == 200  # "Enter the code": nothing counted
    assert len(events("accounts.mfa_failed", user)) == 1


def test_failed_codes_are_throttled(client, world):
    user = world.org_admin
    device, codes = enrol(user)
    sign_in(client, user)
    client.post(VERIFY, {"code": wrong_code(device)})
    # The right code straight after a wrong one waits: refused, recorded, and not checked.
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert "Too many wrong codes. Wait 1 second, then try again." in response.content.decode()
    assert client.get(HOME).url.startswith(VERIFY)
    throttled = events("accounts.mfa_failed", user)[-1]
    assert throttled.changes["throttled"]["after"] is True
    # Each failure doubles the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
    )
    assert "Wait 32 seconds" in client.post(VERIFY, {"code": code_for(device, 1)}).content.decode()
    # Recovery codes have a throttle of their own.
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_count=1, throttling_failure_timestamp=timezone.now()
    )
    assert "Too many wrong codes" in client.post(VERIFY, {"code": codes[1]}).content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 10

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(minutes=5)
    )
    assert client.post(VERIFY, {"code": code_for(device, 1)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_next_goes_nowhere_off_site(client, world):
    device, _codes = enrol(world.org_admin)
    sign_in(client, world.org_admin)
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "https://evil.example.org/"})
    assert response.url == HOME


def test_a_practitioner_may_set_up_mfa_and_then_needs_it(client, world):
    user = world.practitioner
    sign_in(client, user)
    page = client.get(reverse("accounts:security"))
    assert "Not set up" in page.content.decode()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": code_for(device), "next": reverse("accounts:security")})
    assert response.url.startswith(reverse("accounts:mfa_recovery_codes"))
    assert client.get(HOME).status_code == 200

    other = client.__class__()
    sign_in(other, user)
    assert other.get(HOME).url.startswith(VERIFY)


def test_recovery_codes_can_be_replaced_from_the_account_page(client, world):
    user = world.auditor
    device, old = enrol(user)
    sign_in(client, user)
    client.post(VERIFY, {"code": code_for(device, 1)})
    page = client.get(reverse("accounts:security"))
    assert "10 left" in page.content.decode()
    response = client.post(reverse("accounts:security"))
    new_codes = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(new_codes) == 10 and not new_codes & set(old)
    shown = client.get(response.url).content.decode()
    assert all(code in shown for code in new_codes)
    [replaced] = events("accounts.mfa_recovery_codes_replaced", user)
    assert replaced.changes["recovery_codes"] == {"before": 10, "after": 10}
    # The session stays verified.
    assert client.get(HOME).status_code == 200


def test_an_org_admin_resets_a_colleagues_mfa(client, world):
    target = world.auditor
    device, _codes = enrol(target)
    colleague = client.__class__()
    sign_in(colleague, target)
    colleague.post(VERIFY, {"code": code_for(device, 1)})
    assert colleague.get(HOME).status_code == 200

    client.force_login(world.org_admin)
    listing = client.get(reverse("accounts:mfa_users")).content.decode()
    assert target.username in listing and world.practitioner.username in listing
    assert world.org_admin.username not in listing.split("<tbody", 1)[1]  # not their own
    assert world.district_worker.username not in listing
    url = reverse("accounts:mfa_user_reset", args=[target.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302

    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticDevice.objects.filter(user=target).exists()
    [reset] = events("accounts.mfa_reset", target)
    assert reset.actor_id == world.org_admin.pk and reset.changes["mfa"] == {"before": True, "after": False}
    # Their session verified with the old app is no longer: they set up again.
    assert colleague.get(HOME).url.startswith(SETUP)


def test_only_an_admin_of_their_organisation_resets_someones_mfa(client, world):
    enrol(world.district_auditor)
    url = reverse("accounts:mfa_user_reset", args=[world.district_auditor.pk])
    client.force_login(world.org_admin)  # the county's admin: another organisation
    assert client.post(url).status_code == 404
    assert client.post(reverse("accounts:mfa_user_reset", args=[world.org_admin.pk])).status_code == 404
    client.force_login(world.team_manager)
    assert client.get(reverse("accounts:mfa_users")).status_code == 403
    assert TOTPDevice.objects.filter(user=world.district_auditor, confirmed=True).exists()
    with pytest.raises(PermissionRefused):
        mfa.mfa_reset(user=world.org_admin, reset_by=world.org_admin)
    with pytest.raises(PermissionRefused):
        mfa.mfa_reset(user=world.district_auditor, reset_by=world.org_admin)


def test_the_reset_permission_agrees_with_its_queryset(world):
    from casework.core.permissions import has_perm

    for who in ["org_admin", "practitioner", "district_auditor", "outsider"]:
        admin = getattr(world, who)
        listed = set(mfa.user_list_for_mfa_admin(user=admin))
        for target in [
            world.practitioner,
            world.auditor,
            world.org_admin,
            world.district_auditor,
            world.outsider,
        ]:
            assert has_perm(admin, "accounts.reset_mfa", target) == (target in listed), (who, target)
