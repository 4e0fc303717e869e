"""Letters in the API: a case's letters, downloading one as sent, and sending one. The same rules as the
pages: the letters of a case the user may open; sending by the case's workers."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casework.cases.selectors import case_get_for_user
from casework.core.api import Id, InputSchema, Page, PageParams, paginate
from casework.core.permissions import require_perm
from casework.letters import selectors, services

router = Router(tags=["letters"])


class LetterOut(Schema):
    id: int
    case_id: int | None
    kind: str
    subject: str
    status: str = Field(description="sent, or failed")
    sent_at: datetime.datetime
    sent_by_id: int | None = Field(
        description="Empty when Casework sent it on its own (a waiting-list letter)"
    )
    large_print: bool
    accessible_format: str
    pdf_size: int
    template_version: int = Field(description="The number of the template version it was written from")

    @staticmethod
    def resolve_template_version(letter) -> int:
        return letter.template_version.number


class LetterSendIn(InputSchema):
    kind: Literal["invite_contact", "appointment", "acknowledgement"]
    appointment_at: str = Field(
        "",
        max_length=80,
        description="For an appointment letter: when, as the letter "
        "says it (for example Tuesday 8 December at 10:30am)",
    )
    idempotency_key: str = Field(
        "",
        max_length=64,
        pattern=r"^[A-Za-z0-9_.-]*$",
        description="Send the same key again (a retry) and the letter already sent is "
        "returned, not sent twice",
    )


@router.get("/cases/{case_id}", response=Page[LetterOut], summary="A case's letters, newest first")
def case_letters(request, case_id: Id, page: Query[PageParams]):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="letters_read_by_api")
    rows, meta = paginate(selectors.letters_for_case(case=case), page)
    return {"items": rows, **meta}


@router.get(
    "/{letter_id}/pdf",
    response={200: None},
    summary="A letter as it was sent (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def letter_pdf(request, letter_id: Id):
    letter = selectors.letter_get_for_user(user=request.user, letter_id=letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}-{letter.kind}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/cases/{case_id}", response={201: LetterOut}, summary="Send a letter to the case's person")
def letter_send(request, case_id: Id, payload: LetterSendIn):
    case = case_get_for_user(user=request.user, case_id=case_id, purpose="opened_for_change")
    require_perm(request.user, "letters.send_letter", case, "Only the case's workers send letters about it.")
    key = (
        f"api:{request.user.pk}:{case.pk}:{payload.idempotency_key}"
        if payload.idempotency_key
        else f"manual:{uuid.uuid4()}"
    )
    letter = services.letter_send(
        kind=payload.kind,
        case=case,
        user=request.user,
        effect_key=key,
        extra={"appointment_at": payload.appointment_at, "worker": request.user.display_name},
    )
    return Status(201, letter)
