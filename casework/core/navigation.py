"""The navigation and the home page, put together from what each app registers (its navigation.py).

Core knows no domain app: each app says which of its pages a user can use (a predicate, usually its policy)
and what it adds to the home page, a worker's day. core/apps.py loads every app's navigation.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    shown: Callable[[Any], bool]
    # A label that says something of the user's state ("Messages (2 unread)"), read when the item is shown.
    label_for: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class HomePanel:
    """A part of the home page: `template` rendered with what `context` returns, or left out when it returns
    None (the user has nothing of this kind to do, or may not do it)."""

    name: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


_NAV: dict[str, NavItem] = {}
_HOME: dict[str, HomePanel] = {}


def nav_register(
    label: str,
    url_name: str,
    *,
    order: int,
    shown: Callable[[Any], bool],
    label_for: Callable[[Any], str] | None = None,
) -> None:
    _NAV[url_name] = NavItem(label, url_name, order, shown, label_for)


def home_register(
    name: str, *, order: int, template: str, context: Callable[[HttpRequest], dict[str, Any] | None]
) -> None:
    _HOME[name] = HomePanel(name, order, template, context)


def nav_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The pages the user can use, in order, the one the path is in marked active."""
    items = [("Home", reverse("core:home"))]
    for item in sorted(_NAV.values(), key=lambda i: (i.order, i.label)):
        if item.shown(user):
            label = item.label_for(user) if item.label_for else item.label
            items.append((label, reverse(item.url_name)))
    # The current item is the one whose URL is the longest prefix of the path.
    matches = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    return [{"label": label, "url": url, "active": url == current} for label, url in items]


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    """The home page's panels for the signed-in user, each with its template and context."""
    panels = []
    for panel in sorted(_HOME.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request)
        if context is not None:
            panels.append({"name": panel.name, "template": panel.template, **context})
    return panels
