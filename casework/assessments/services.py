"""Writes to need definitions: add, change, retire and reinstate. Each is atomic, audited and version-checked."""

from __future__ import annotations

import re

from django.db import transaction

from casework.assessments.choices import NeedCategory
from casework.assessments.models import NeedDefinition
from casework.audit.services import audit_record, to_json_safe
from casework.core import clock
from casework.core.errors import DomainError, ValidationFailed
from casework.core.permissions import require_perm

REFUSED = "Only the lead organisation's initiative admins keep the need definitions."
STALE = ("Somebody else changed this need definition while you were working on it. Nothing has been saved: "
         "check it and try again.")
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def _clean(*, initiative_id: int, name: str, category: str, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed("Enter the name of the need", field="name")
    if category not in NeedCategory.values:
        raise ValidationFailed("Select the category of the need", field="category")
    same = NeedDefinition.objects.filter(initiative_id=initiative_id, name__iexact=name)
    if same.exclude(pk=exclude_pk).exists():
        raise ValidationFailed(f"There is already a need called ‘{name}’", field="name")
    return name


def need_definition_create(*, user, initiative_id: int, code: str, name: str, category: str,
                           description: str = "") -> NeedDefinition:
    """Add a need definition to the initiative's common list. Audited as "assessments.need_definition_added".

    Raises PermissionRefused, ValidationFailed (naming the field) for a bad or duplicate code or name.
    """
    require_perm(user, "assessments.manage_need_definitions", initiative_id, REFUSED)
    code = code.strip().lower()
    if not _CODE.match(code):
        raise ValidationFailed("Enter a code of lower-case letters, numbers and underscores, like debt_advice",
                               field="code")
    if NeedDefinition.objects.filter(initiative_id=initiative_id, code=code).exists():
        raise ValidationFailed(f"The code {code} is already used", field="code")
    name = _clean(initiative_id=initiative_id, name=name, category=category)
    with transaction.atomic():
        definition = NeedDefinition.objects.create(
            initiative_id=initiative_id, code=code, name=name, category=category, description=description.strip(),
            created_by=user, modified_by=user)
        audit_record(user=user, verb="assessments.need_definition_added", obj=definition,
                     changes=to_json_safe({"code": {"before": None, "after": code},
                                           "name": {"before": None, "after": name}}))
    return definition


def _update(*, user, definition: NeedDefinition, version: int, fields: dict, verb: str) -> NeedDefinition:
    with transaction.atomic():
        changes = definition.write_if_version(version=version, fields=fields, user=user, stale_message=STALE)
        audit_record(user=user, verb=verb, obj=definition, changes=to_json_safe(
            {name: change for name, change in changes.items() if change["before"] != change["after"]}))
    return definition


def need_definition_update(*, user, definition: NeedDefinition, version: int, name: str, category: str,
                           description: str = "") -> NeedDefinition:
    """Change the name, category or description; the code stays, so exports and counts stay comparable.

    Audited as "assessments.need_definition_changed". Raises PermissionRefused, ValidationFailed, ConflictError.
    """
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    name = _clean(initiative_id=definition.initiative_id, name=name, category=category, exclude_pk=definition.pk)
    return _update(user=user, definition=definition, version=version, verb="assessments.need_definition_changed",
                   fields={"name": name, "category": category, "description": description.strip()})


def need_definition_retire(*, user, definition: NeedDefinition, version: int) -> NeedDefinition:
    """Stop offering the need for new records; needs already recorded keep it. Audited; DomainError if retired."""
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    if definition.is_retired:
        raise DomainError(f"‘{definition.name}’ is already retired.")
    return _update(user=user, definition=definition, version=version, verb="assessments.need_definition_retired",
                   fields={"retired_at": clock.now()})


def need_definition_reinstate(*, user, definition: NeedDefinition, version: int) -> NeedDefinition:
    """Offer a retired need again. Audited; DomainError if it is in use already."""
    require_perm(user, "assessments.manage_need_definitions", definition.initiative_id, REFUSED)
    if not definition.is_retired:
        raise DomainError(f"‘{definition.name}’ is in use already.")
    return _update(user=user, definition=definition, version=version,
                   verb="assessments.need_definition_reinstated", fields={"retired_at": None})
