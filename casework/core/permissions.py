"""The registry of permission predicates, named "<app>.<verb>_<entity>". Each app registers its own in
policies.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from casework.core.errors import PermissionRefused

if TYPE_CHECKING:
    # Django's own user types: core knows no app (tests/architecture), accounts.models.User among them.
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

Predicate = Callable[..., bool]
_P = TypeVar("_P", bound=Predicate)
_REGISTRY: dict[str, Predicate] = {}


def register(name: str) -> Callable[[_P], _P]:
    """Register the predicate under `name`; the function itself is returned unchanged (and keeps its type)."""

    def decorator(func: _P) -> _P:
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise ValueError(f"Permission {name} is registered twice")
        _REGISTRY[name] = func
        return func

    return decorator


def has_perm(user: AnyUser, name: str, obj: Any = None) -> bool:
    try:
        predicate = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"Unknown permission {name!r}") from None
    return predicate(user) if obj is None else predicate(user, obj)


def require_perm(user: AnyUser, name: str, obj: Any = None, message: str | None = None) -> None:
    """Raise PermissionRefused (403) unless the user holds the permission."""
    if not has_perm(user, name, obj):
        raise PermissionRefused(message or "You do not have permission to do that.")


def registered_permissions() -> dict[str, Predicate]:
    return dict(_REGISTRY)
