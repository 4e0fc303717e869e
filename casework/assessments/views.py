"""The need definitions pages, for the lead organisation's initiative admins."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.accounts.selectors import actor_for
from casework.assessments import selectors, services
from casework.assessments.forms import NeedDefinitionForm
from casework.core.pages import paginate, require_page_perm, run_form_service


def _initiative_id(user) -> int:
    """The initiative whose need definitions the user keeps."""
    from casework.core.permissions import has_perm

    for initiative_id in sorted(actor_for(user).lead_of_initiative_ids):
        if has_perm(user, "assessments.manage_need_definitions", initiative_id):
            return initiative_id
    raise PermissionDenied(services.REFUSED)


def need_definitions(request):
    initiative_id = _initiative_id(request.user)
    qs = selectors.need_definition_list_for_user(user=request.user, include_retired=True).filter(
        initiative_id=initiative_id).order_by("retired_at", "category", "name")
    page, page_range = paginate(request, qs, per_page=50)
    return render(request, "assessments/need_definitions.html", {"page": page, "page_range": page_range})


def need_definition_add(request):
    initiative_id = _initiative_id(request.user)
    form = NeedDefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_form_service(
            request, form, lambda data: services.need_definition_create(
                user=request.user, initiative_id=initiative_id, code=data["code"], name=data["name"],
                category=data["category"], description=data["description"]),
            lambda: f"‘{form.cleaned_data['name']}’ has been added."):
        return redirect("assessments:need_definitions")
    return render(request, "assessments/need_definition_form.html", {"form": form, "definition": None})


def need_definition_edit(request, definition_id: int):
    definition = selectors.need_definition_get_for_user(user=request.user, definition_id=definition_id)
    require_page_perm(request.user, "assessments.manage_need_definitions", definition.initiative_id,
                      services.REFUSED)
    form = NeedDefinitionForm(request.POST or None, editing=True, initial={
        "name": definition.name, "category": definition.category, "description": definition.description,
        "version": definition.version})
    if request.method == "POST" and form.is_valid() and run_form_service(
            request, form, lambda data: services.need_definition_update(
                user=request.user, definition=definition, version=data["version"] or 0, name=data["name"],
                category=data["category"], description=data["description"]),
            lambda: f"‘{form.cleaned_data['name']}’ has been saved."):
        return redirect("assessments:need_definitions")
    return render(request, "assessments/need_definition_form.html", {"form": form, "definition": definition})


@require_POST
def need_definition_retire(request, definition_id: int):
    from django.contrib import messages

    from casework.core.errors import DomainError, PermissionRefused

    definition = selectors.need_definition_get_for_user(user=request.user, definition_id=definition_id)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else 0
    service = (services.need_definition_reinstate if request.POST.get("action") == "reinstate"
               else services.need_definition_retire)
    try:
        service(user=request.user, definition=definition, version=version)
    except PermissionRefused as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"‘{definition.name}’ has been "
                                  f"{'retired' if definition.is_retired else 'reinstated'}.")
    return redirect("assessments:need_definitions")
