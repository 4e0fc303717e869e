from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from casework.cases.selectors import case_get_for_user
from casework.core import limits
from casework.core.errors import DomainError, PermissionRefused
from casework.core.forms import apply_service_error
from casework.core.permissions import has_perm
from casework.people.selectors import person_get_for_user
from casework.safeguarding import selectors, services
from casework.safeguarding.forms import ConcernForm


def concern_raise(request):
    """Raise a safeguarding concern from a contact (?contact=), a case (?case=) or a person (?person=)."""
    if not has_perm(request.user, "safeguarding.raise_concern"):
        raise PermissionDenied("Only people doing casework can raise a concern here: phone your safeguarding lead.")
    case = contact = None
    contact_id, case_id, person_id = (
        limits.id_from(request.GET.get(name)) for name in ("contact", "case", "person")
    )
    if contact_id:
        from casework.contacts.selectors import contact_get_for_user

        contact = contact_get_for_user(user=request.user, contact_id=contact_id, purpose="opened_for_change")
        case, person = contact.case, contact.person
        if person is None:
            raise Http404("Raise the concern from the person's record")
    elif case_id:
        case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
        person = case.person
        if person is None:
            raise Http404("Raise the concern from the person's record")
    elif person_id:
        person = person_get_for_user(user=request.user, person_id=person_id, purpose="opened_for_change")
    else:
        raise Http404("Raise a concern from a case or a person")
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_raise(user=request.user, person=person, case=case, contact=contact,
                                   **form.cleaned_data)
        except DomainError as error:
            apply_service_error(form, error)
        except PermissionRefused as error:
            raise PermissionDenied(error.message) from None
        else:
            messages.success(request, "The concern has been sent to the safeguarding team, due today.")
            return redirect(case or person)
    return render(request, "safeguarding/concern_raise.html", {"form": form, "case": case, "person": person,
                                                               "contact": contact})


def concern_detail(request, concern_id: int):
    concern = (selectors.concern_list_visible(user=request.user).select_related("person", "case", "created_by",
                                                                                  "routed_to_team", "contact")
               .filter(pk=concern_id).first())
    if concern is None:
        raise Http404("No concern found")
    from casework.audit.services import access_record

    access_record(user=request.user, verb="safeguarding.concern_viewed", obj=concern, person_id=concern.person_id,
                  case_id=concern.case_id)
    return render(request, "safeguarding/concern_detail.html", {"concern": concern})
