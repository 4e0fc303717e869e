"""The duty desk and messages in the navigation, and unread messages on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm


def shows_duty_desk(user: Any) -> bool:
    return has_perm(user, "contacts.use_duty_desk") and bool(actor_for(user).case_holding_organisation_ids)


def shows_messages(user: Any) -> bool:
    return bool(actor_for(user).casework_organisation_ids)


def messages_label(user: Any) -> str:
    from casework.contacts.selectors import unread_message_count

    unread = unread_message_count(user=user)
    return f"Messages ({unread} unread)" if unread else "Messages"


def messages_panel(request: HttpRequest) -> dict[str, Any] | None:
    from casework.contacts.selectors import unread_message_count

    user = request.user
    if not isinstance(user, User) or not shows_messages(user):
        return None
    unread = unread_message_count(user=user)
    return {"unread_messages": unread} if unread else None


nav_register("Duty desk", "contacts:duty_desk", order=100, shown=shows_duty_desk)
nav_register("Messages", "contacts:inbox", order=200, shown=shows_messages, label_for=messages_label)
home_register("messages", order=10, template="contacts/home/_messages.html", context=messages_panel)
