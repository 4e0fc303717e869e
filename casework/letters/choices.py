from django.db import models


class LetterKind(models.TextChoices):
    """The letters Casework sends; each organisation keeps its own wording of each."""

    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of a written contact"
    WAITING_LIST_ADDED = "waiting_list_added", "Added to the waiting list"
    STILL_WAITING = "still_waiting", "Still waiting"
    INVITE_CONTACT = "invite_contact", "Invitation to make contact"
    APPOINTMENT = "appointment", "Appointment confirmation"
    CHARGE_ESTIMATE = "charge_estimate", "Estimate of what you will pay for care"


class LetterStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
