"""API tokens: issued once in full, stored as a SHA-256 hash, looked up by prefix, revocable, expiring."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import F, Subquery

from casework.accounts.models import ApiToken, User
from casework.audit.services import audit_record, audit_record_many
from casework.core import clock
from casework.core.compiled_queries import CompiledRows
from casework.core.errors import RateLimited
from casework.core.ratelimit import (
    minutes_text,
    rate_limit_columns,
    rate_limit_hit,
    rate_limit_hold,
    rate_limit_holds,
    rate_limit_reached,
)

TOKEN_PREFIX = "cw"
PREFIX_MAX_LENGTH: int = ApiToken._meta.get_field("prefix").max_length or 0


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
        record = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            token_hash=_hash(token),
            expires_at=clock.now() + datetime.timedelta(days=days),
        )
        audit_record(
            user=issued_by,
            verb="accounts.api_token_issued",
            obj=record,
            changes={
                "user": {"before": None, "after": user.pk},
                "expires_at": {"before": None, "after": record.expires_at},
            },
        )
    return token


def api_token_revoke(*, token: ApiToken, revoked_by: User | None = None) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
            audit_record(
                user=revoked_by,
                verb="accounts.api_token_revoked",
                obj=token,
                changes={"revoked": {"before": False, "after": True}},
            )


_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)


@lru_cache(maxsize=512)
def _token_with_user(prefix: str, address: str | None) -> CompiledRows:
    """The SQL for a token and its user's columns (as u_<name>), compiled once per prefix (ADR 8); with the
    client's address, also its failed tokens' window (failures_count, failures_ends_at: ADR 13).

    The row is read afresh on every call: a revoked or expired token, or a deactivated user, fails at once.
    """
    columns: dict[str, F | Subquery] = {f"u_{name}": F(f"user__{name}") for name in _USER_FIELDS}
    if address is not None:
        columns |= rate_limit_columns(_failures_key(address), name="failures")
    return CompiledRows(
        ApiToken.objects.filter(prefix=prefix).values(
            "id", "token_hash", "expires_at", "revoked_at", "last_used_at", **columns
        )
    )


def api_token_authenticate(raw: str, *, address: str | None = None) -> User | None:
    """The active user a live token belongs to, or None for anything else.

    With the client's address (the API's), failures are counted against it (ADR 13): while the address is
    locked out every token is refused, valid or not, and the failure that reaches the limit locks it out.
    A success costs the one query it cost before and writes nothing more than the token's last use.
    Raises RateLimited when the address is locked out.
    """
    parts = (raw or "").split("_", 2)
    well_formed = len(parts) == 3 and parts[0] == TOKEN_PREFIX and len(parts[1]) <= PREFIX_MAX_LENGTH
    found = _token_with_user(parts[1], address).rows() if well_formed else []
    if address is not None:
        limit = settings.CASEWORK_API_TOKEN_FAILURE_LIMIT
        # With no token row to carry the window (a failure already), it costs a read of its own.
        until = (
            rate_limit_holds(found[0]["failures_count"], found[0]["failures_ends_at"], limit=limit)
            if found
            else rate_limit_reached(_failures_key(address), limit=limit)
        )
        if until is not None:
            raise _locked_out(until)
    user = _token_user(raw, found[0]) if found else None
    if user is None and address is not None:
        _failure_count(address, token_id=found[0]["id"] if found else None)
    return user


def _token_user(raw: str, record: dict) -> User | None:
    if not hmac.compare_digest(record["token_hash"], _hash(raw)):
        return None
    now = clock.now()
    if record["revoked_at"] is not None or record["expires_at"] <= now or not record["u_is_active"]:
        return None
    if record["last_used_at"] is None or now - record["last_used_at"] > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record["id"]).update(last_used_at=now)
    return User.from_db(ApiToken.objects.db, _USER_FIELDS, [record[f"u_{name}"] for name in _USER_FIELDS])


def _failures_key(address: str) -> str:
    # An address is at most 45 characters (IPv6); cut whatever a proxy's header may hold to fit the key.
    return f"api_token_failures:{address[:64]}"


def _locked_out(until: datetime.datetime) -> RateLimited:
    wait = minutes_text((until - clock.now()).total_seconds())
    return RateLimited(
        f"Too many failed tokens have been sent from your address. Every request from it is "
        f"refused for {wait}, even with a valid token.",
        until=until,
    )


def _failure_count(address: str, *, token_id: int | None) -> None:
    """Count a failed token against the address; the failure that reaches the limit locks the address out for
    the cool-off and is audited with the lockout (only that one: a flood of failures writes no more rows).

    Raises RateLimited when this failure locks the address out."""
    limit = settings.CASEWORK_API_TOKEN_FAILURE_LIMIT
    cooloff = datetime.timedelta(seconds=settings.CASEWORK_API_TOKEN_COOLOFF_SECONDS)
    key = _failures_key(address)
    if rate_limit_hit(key, window=cooloff).count != limit:
        return
    until = clock.now() + cooloff
    # The token tried, when its prefix is a real one's (revoked, expired, wrong secret): its history shows it.
    tried = ApiToken.objects.filter(pk=token_id).first() if token_id is not None else None
    with transaction.atomic():
        rate_limit_hold(key, until=until)
        audit_record_many(
            [
                {
                    "user": None,
                    "verb": "accounts.api_token_refused",
                    "obj": tried,
                    "changes": {
                        "client_address": {"before": None, "after": address},
                        "failures": {"before": limit - 1, "after": limit},
                    },
                    "reason": f"{limit} failed API tokens from {address} within "
                    f"{minutes_text(cooloff.total_seconds())}",
                },
                {
                    "user": None,
                    "verb": "accounts.api_address_locked_out",
                    "changes": {
                        "client_address": {"before": None, "after": address},
                        "locked_until": {"before": None, "after": until},
                    },
                    "reason": f"Every API request from {address} is refused until the cool-off ends",
                },
            ]
        )
    raise _locked_out(until)
