"""The duty desk and messages in the navigation, and unread messages on the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.cases.choices import CaseStage
from casework.cases.workspace import reached_from, section_register, value_register
from casework.contacts import selectors
from casework.contacts.selectors import unread_message_count, unread_message_count_expression
from casework.core.navigation import home_register, nav_register
from casework.core.permissions import has_perm


def shows_duty_desk(user: Any) -> bool:
    return has_perm(user, "contacts.use_duty_desk") and bool(actor_for(user).case_holding_organisation_ids)


def shows_messages(user: Any) -> bool:
    return bool(actor_for(user).casework_organisation_ids)


def messages_label(user: Any) -> str:
    unread = unread_message_count(user=user)
    return f"Messages ({unread} unread)" if unread else "Messages"


def messages_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not isinstance(user, User) or not shows_messages(user):
        return None
    unread = unread_message_count(user=user)
    return {"unread_messages": unread} if unread else None


nav_register("Duty desk", "contacts:duty_desk", order=100, shown=shows_duty_desk)
nav_register("Messages", "contacts:inbox", order=200, shown=shows_messages, label_for=messages_label)
home_register("messages", order=10, template="contacts/home/_messages.html", context=messages_panel)


# The case workspace (cases/workspace.py): the case's contacts, its scheduling log and the actions taken for
# its allocated worker; the header says how many unread messages the user has about the case.


def case_contacts_context(request: HttpRequest, case: Any, header: dict[str, Any]) -> dict[str, Any]:
    contacts, scheduling = selectors.contacts_for_case_page(case=case)
    return {
        "contacts": contacts,
        "scheduling": scheduling,
        "strategy": selectors.contact_strategy_for(case=case),
        "can_record_contact": has_perm(request.user, "contacts.record_contact_case", case),
    }


def _unread_messages(user: Any):
    return unread_message_count_expression(user=user)


value_register("unread_messages", _unread_messages, header=True)
section_register(
    "contacts",
    "Contacts",
    path="contacts",
    order=20,
    template="contacts/_case_contacts.html",
    context=case_contacts_context,
    reached=reached_from(CaseStage.CONTACT),
    unlocks="Contact starts when a worker accepts the case or is assigned to it.",
    opens_at=(CaseStage.CONTACT,),
)
