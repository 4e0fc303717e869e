"""Letter pages: the organisation admin's templates, sending a letter from a case, downloading one."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import redirect, render

from casework.accounts.pages import admin_organisation_id
from casework.cases.selectors import case_get_for_user
from casework.core.pages import require_page_perm, run_form_service
from casework.letters import rendering, selectors, services
from casework.letters.forms import SendForm, TemplateForm


def _admin_organisation_id(user) -> int:
    return admin_organisation_id(user, services.REFUSED)


def templates(request):
    organisation_id = _admin_organisation_id(request.user)
    services.letter_templates_install_standard(organisation_id=organisation_id, user=request.user)
    return render(
        request,
        "letters/templates.html",
        {"templates": selectors.letter_templates_for_organisation(organisation_id=organisation_id)},
    )


def template_edit(request, template_id: int):
    template = selectors.letter_template_get_for_user(user=request.user, template_id=template_id)
    require_page_perm(request.user, "letters.manage_templates", template.organisation_id, services.REFUSED)
    latest = template.versions.order_by("-number").first()
    form = TemplateForm(
        request.POST or None,
        initial={"subject": latest.subject, "body": latest.body, "based_on": latest.number},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.letter_template_revise(
                user=request.user,
                template=template,
                based_on=d["based_on"],
                subject=d["subject"],
                body=d["body"],
            ),
            f"‘{template.get_kind_display()}’ has a new version.",
        )
    ):
        return redirect("letters:templates")
    return render(
        request,
        "letters/template_edit.html",
        {
            "template": template,
            "latest": latest,
            "form": form,
            "placeholders": sorted(rendering.PLACEHOLDERS),
        },
    )


def letter_send(request, case_id: int):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_page_perm(
        request.user, "letters.send_letter", case, "Only the case's workers send letters about it."
    )
    form = SendForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_form_service(
            request,
            form,
            lambda d: services.letter_send(
                kind=d["kind"],
                case=case,
                user=request.user,
                effect_key=f"manual:{uuid.uuid4()}",
                extra={"appointment_at": d["appointment_at"], "worker": request.user.display_name},
            ),
            "The letter has been sent. It is listed on the case.",
        )
    ):
        return redirect("cases:case_waiting", case.pk)
    return render(request, "letters/send.html", {"case": case, "form": form})


def letter_download(request, letter_id: int):
    letter = selectors.letter_get_for_user(user=request.user, letter_id=letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}-{letter.kind}.pdf"'
    return response
