from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from casework.cases.selectors import case_get_for_user
from casework.contacts.selectors import contact_get_for_user
from casework.core import limits
from casework.core.pages import require_page_perm, run_form_service
from casework.core.permissions import has_perm
from casework.core.querysets import Pager
from casework.people.selectors import person_get_for_user
from casework.referrals.selectors import referral_get_for_user
from casework.safeguarding import selectors, services
from casework.safeguarding.choices import Routing
from casework.safeguarding.forms import ConcernForm


def _subject(request):
    """What the concern is about, from ?contact=, ?case=, ?referral= or ?person=: (person, case, contact,
    referral), each loaded through its own selector (404 if the user may not open it)."""
    case = contact = referral = None
    contact_id, case_id, referral_id, person_id = (
        limits.id_from(request.GET.get(name)) for name in ("contact", "case", "referral", "person")
    )
    if contact_id:
        contact = contact_get_for_user(user=request.user, contact_id=contact_id, purpose="opened_for_change")
        case, person = contact.case, contact.person
    elif case_id:
        case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
        person = case.person
    elif referral_id:
        # A delivery organisation never opens the case or the person, but may always raise a concern about the
        # person it supports.

        referral = referral_get_for_user(
            user=request.user, referral_id=referral_id, purpose="opened_for_change"
        )
        case, person = referral.case, referral.case.person
    elif person_id:
        person = person_get_for_user(user=request.user, person_id=person_id, purpose="opened_for_change")
    else:
        raise Http404("Raise a concern from a case or a person")
    if person is None:
        raise Http404("Raise the concern from the person's record")
    return person, case, contact, referral


def concern_raise(request):
    """Raise a safeguarding concern from a contact, a case, a referral or a person; told where it went."""
    if not has_perm(request.user, "safeguarding.raise_concern"):
        raise PermissionDenied(
            "Only people doing casework can raise a concern here: phone your safeguarding lead."
        )
    person, case, contact, referral = _subject(request)
    form = ConcernForm(request.POST or None)
    raised = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: raised.append(
                services.concern_raise(
                    user=request.user, person=person, case=case, contact=contact, referral=referral, **d
                )
            ),
            None,
        )
    ):
        # Reaching no team is recorded, but is a warning: the raiser phones their safeguarding lead too.
        notify = messages.warning if raised[0].routing == Routing.NO_TEAM else messages.success
        notify(request, raised[0].routing_notice)
        return redirect(referral or case or person)
    raising_for = selectors.concern_raising_organisation_id(user=request.user, case=case)
    route = selectors.concern_route(organisation_id=raising_for)
    return render(
        request,
        "safeguarding/concern_raise.html",
        {
            "form": form,
            "case": case,
            "person": person,
            "contact": contact,
            "referral": referral,
            "route": route,
        },
    )


def concern_list(request):
    """The concerns the user may see, newest first: a safeguarding team's work list."""
    require_page_perm(
        request.user,
        "safeguarding.view_concern_list",
        message="The list of safeguarding concerns is for safeguarding teams and managers.",
    )
    shown = selectors.concern_list_for_user(user=request.user, pager=Pager.of_request(request))
    return render(
        request, "safeguarding/concern_list.html", {"page": shown.page, "page_range": shown.page_range}
    )


def concern_detail(request, concern_id: int):
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    return render(request, "safeguarding/concern_detail.html", {"concern": concern})
