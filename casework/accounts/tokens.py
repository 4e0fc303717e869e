"""API tokens: issued once in full, stored as a SHA-256 hash, looked up by prefix, revocable, expiring."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from functools import lru_cache

from django.db import transaction
from django.db.models import F

from casework.accounts.models import ApiToken, User
from casework.audit.services import audit_record
from casework.core import clock
from casework.core.compiled_queries import CompiledRows

TOKEN_PREFIX = "cw"
PREFIX_MAX_LENGTH = ApiToken._meta.get_field("prefix").max_length


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_issue(*, user: User, name: str = "", days: int = 90, issued_by: User | None = None) -> str:
    """Create a token for the user and return it in full; it cannot be read back later."""
    if days < 1 or days > 366:
        raise ValueError("A token lasts between 1 and 366 days")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    with transaction.atomic():
        record = ApiToken.objects.create(user=user, name=name, prefix=prefix, token_hash=_hash(token),
                                         expires_at=clock.now() + datetime.timedelta(days=days))
        audit_record(user=issued_by, verb="accounts.api_token_issued", obj=record,
                     changes={"user": {"before": None, "after": user.pk},
                              "expires_at": {"before": None, "after": record.expires_at}})
    return token


def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
            audit_record(user=revoked_by, verb="accounts.api_token_revoked", obj=token,
                         changes={"revoked": {"before": False, "after": True}})


_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)


@lru_cache(maxsize=512)
def _token_with_user(prefix: str) -> CompiledRows:
    """The SQL for a token and its user's columns (as u_<name>), compiled once per prefix (ADR 8).

    The row is read afresh on every call: a revoked or expired token, or a deactivated user, fails at once.
    """
    return CompiledRows(ApiToken.objects.filter(prefix=prefix).values(
        "id", "token_hash", "expires_at", "revoked_at", "last_used_at",
        **{f"u_{name}": F(f"user__{name}") for name in _USER_FIELDS}))


def api_token_authenticate(raw: str) -> User | None:
    """The active user a live token belongs to, or None for anything else."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) > PREFIX_MAX_LENGTH:
        return None
    found = _token_with_user(parts[1]).rows()
    if not found or not hmac.compare_digest(found[0]["token_hash"], _hash(raw)):
        return None
    record = found[0]
    now = clock.now()
    if record["revoked_at"] is not None or record["expires_at"] <= now or not record["u_is_active"]:
        return None
    if record["last_used_at"] is None or now - record["last_used_at"] > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record["id"]).update(last_used_at=now)
    return User.from_db(ApiToken.objects.db, _USER_FIELDS, [record[f"u_{name}"] for name in _USER_FIELDS])
