"""Multi-factor sign-in (ADR 12): an authenticator app (django-otp's TOTP device) and single-use recovery
codes (its static device).

Who must use it, enrolment, verification, recovery codes and an organisation admin's reset. Every enrolment,
verification, failure, recovery-code use and reset is audited. A failed code is recorded and the device's
throttle counted in a transaction of its own, which commits before the refusal is raised.
"""

from __future__ import annotations

import base64
import datetime
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.choices import Role
from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.services import audit_record
from casework.core.errors import DomainError, ValidationFailed
from casework.core.permissions import require_perm

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
TOTP_DIGITS = 6


class MfaCodeRefused(ValidationFailed):
    """The code was wrong, or already used; the attempt was recorded."""

    def __init__(self, message: str = "The code is not right. Check it and try again."):
        super().__init__(message, field="code")


class MfaThrottled(DomainError):
    """Too many wrong codes in a row: no code is checked until the wait is over."""

    status_code = 429

    def __init__(self, locked_until: datetime.datetime):
        seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
        wait = (
            f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{seconds // 60} minutes"
        )
        super().__init__(f"Too many wrong codes. Wait {wait}, then try again.", field="code")
        self.locked_until = locked_until


class MfaAlreadySetUp(DomainError):
    def __init__(self):
        super().__init__(
            "You have already set up an authenticator app. Ask your organisation admin to reset "
            "it if you have lost it."
        )


class MfaNotSetUp(DomainError):
    def __init__(self):
        super().__init__("Set up an authenticator app first.")


# Who must use it.


def mfa_required(user: User) -> bool:
    """Whether the user must sign in with a second factor: everyone with MFA_REQUIRED_FOR_ALL, else those
    holding one of MFA_REQUIRED_ROLES anywhere, and superusers."""
    if settings.MFA_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    return bool(actor_for(user).roles & settings.MFA_REQUIRED_ROLES)


def mfa_device_get(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def mfa_recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def user_list_for_mfa_admin(*, user: User) -> QuerySet[User]:
    """Users whose sign-in the user may reset: active members of an organisation the user administers, without
    the user themselves; each with `has_mfa`. (The queryset twin of accounts.reset_mfa.)"""
    organisations = actor_for(user).organisations_with_role(Role.ORG_ADMIN)
    return (
        User.objects.filter(memberships__organisation_id__in=organisations, memberships__is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .annotate(has_mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("first_name", "last_name", "username")
    )


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's app shows at a Unix time (now by default): for the demo command and tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


# Enrolment.


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice

    @property
    def secret(self) -> str:
        """The key as an authenticator app takes it typed in: base32, in groups of four."""
        key = base64.b32encode(self.device.bin_key).decode("ascii").rstrip("=")
        return " ".join(key[i : i + 4] for i in range(0, len(key), 4))

    @property
    def qr_svg(self) -> str:
        """The otpauth:// address as a QR code, inline SVG (no style attributes: the CSP allows none)."""
        image = qrcode.make(
            self.device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4
        )
        label = escape(
            "QR code for your authenticator app. If you cannot scan it, enter the key shown below."
        )
        return image.to_string(encoding="unicode").replace(
            "<svg ", f'<svg role="img" aria-label="{label}" focusable="false" class="casework-mfa-qr" ', 1
        )


def mfa_enrolment_start(*, user: User) -> Enrolment:
    """The user's authenticator device waiting to be confirmed, made on the first call with a new random key.

    Raises MfaAlreadySetUp when the user already has a confirmed one (only a reset replaces it)."""
    if mfa_device_get(user=user) is not None:
        raise MfaAlreadySetUp()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, confirmed=False, digits=TOTP_DIGITS
        )
    return Enrolment(device)


def mfa_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the waiting device with one code from the app; returns it and a new set of recovery codes.

    Audited as accounts.mfa_enrolled (or accounts.mfa_failed). Raises MfaAlreadySetUp, MfaNotSetUp when
    nothing is waiting, MfaThrottled, MfaCodeRefused."""
    if mfa_device_get(user=user) is not None:
        raise MfaAlreadySetUp()
    refusal: DomainError | None = None
    codes: list[str] = []
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
        )
        if device is None:
            raise MfaNotSetUp()
        refusal = _check(user=user, device=device, code=_normalise(code), stage="enrolment")
        if refusal is None:
            TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(user)
            audit_record(
                user=user,
                verb="accounts.mfa_enrolled",
                obj=user,
                changes={
                    "mfa": {"before": False, "after": True},
                    "recovery_codes": {"before": None, "after": len(codes)},
                },
            )
    if refusal is not None:
        raise refusal
    return device, codes


# Verification.


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    recovery_codes_left: int | None  # None when the app's code was used


def mfa_verify(*, user: User, code: str) -> Verified:
    """Check a code from the app, or a recovery code (used up by this), for a user signing in.

    Audited as accounts.mfa_verified, accounts.mfa_recovery_code_used or accounts.mfa_failed. Raises
    MfaNotSetUp, MfaThrottled or MfaCodeRefused."""
    code = _normalise(code)
    app_code = code.isdigit() and len(code) == TOTP_DIGITS
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id").first()
        if totp is None:
            raise MfaNotSetUp()
        device: TOTPDevice | StaticDevice = totp
        if not app_code:
            # A recovery code counts against the recovery codes' own throttle (the app's without any).
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first() or totp
            )
        refusal = _check(
            user=user, device=device, code=code, stage="sign_in", wrong_shape=not app_code and device is totp
        )
        left = None
        if refusal is None:
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                audit_record(
                    user=user,
                    verb="accounts.mfa_recovery_code_used",
                    obj=user,
                    changes={"recovery_codes": {"before": left + 1, "after": left}},
                )
            else:
                audit_record(user=user, verb="accounts.mfa_verified", obj=user)
    if refusal is not None:
        raise refusal
    return Verified(device=device, recovery_codes_left=left)


def _normalise(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def _check(
    *, user: User, device: TOTPDevice | StaticDevice, code: str, stage: str, wrong_shape: bool = False
) -> DomainError | None:
    """Check the code against the device under its throttle; record a failure. The refusal, or None."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        audit_record(
            user=user,
            verb="accounts.mfa_failed",
            obj=user,
            changes={
                "stage": {"before": None, "after": stage},
                "throttled": {"before": None, "after": True},
                "failures": {"before": None, "after": device.throttling_failure_count},
            },
        )
        return MfaThrottled(details["locked_until"])
    if wrong_shape:
        device.throttle_increment(commit=True)
        verified = False
    else:
        verified = device.verify_token(code)
    if verified:
        return None
    audit_record(
        user=user,
        verb="accounts.mfa_failed",
        obj=user,
        changes={
            "stage": {"before": None, "after": stage},
            "failures": {"before": None, "after": device.throttling_failure_count},
        },
    )
    return MfaCodeRefused()


# Recovery codes.


def _recovery_codes_replace(user: User) -> list[str]:
    """A new set of recovery codes for the user (the old set, used or not, stops working)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return codes


def mfa_recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new ones (shown once). Audited. Raises MfaNotSetUp."""
    with transaction.atomic():
        if mfa_device_get(user=user) is None:
            raise MfaNotSetUp()
        before = mfa_recovery_codes_left(user=user)
        codes = _recovery_codes_replace(user)
        audit_record(
            user=user,
            verb="accounts.mfa_recovery_codes_replaced",
            obj=user,
            changes={"recovery_codes": {"before": before, "after": len(codes)}},
        )
    return codes


# Reset.


def mfa_reset(*, user: User, reset_by: User) -> None:
    """Remove the user's authenticator app and recovery codes: they set up again at their next sign-in (and
    any session of theirs verified with them is no longer). Audited. Raises PermissionRefused."""
    require_perm(
        reset_by,
        "accounts.reset_mfa",
        user,
        "Only an admin of one of their organisations can reset someone's sign-in, and not their own.",
    )
    with transaction.atomic():
        had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            user=reset_by,
            verb="accounts.mfa_reset",
            obj=user,
            changes={"mfa": {"before": had, "after": False}},
        )
