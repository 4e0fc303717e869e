from django.db import models


class Direction(models.TextChoices):
    """SAVVI ContactDirection: initiated by the subject (inbound) or by a support organisation (outbound)."""

    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class ContactMethod(models.TextChoices):
    """SAVVI ContactMethod."""

    PHONE = "phone", "Phone"
    HOME_VISIT = "home_visit", "Home visit"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"
    WEB_FORM = "web_form", "Web form"
    EMAIL = "email", "Email"
    FACE_TO_FACE = "face_to_face", "Face to face"


# Contacts that arrive as a document: the record says where the original is held.
WRITTEN_METHODS = frozenset({ContactMethod.LETTER, ContactMethod.EMAIL})


class ContactRole(models.TextChoices):
    """SAVVI ContactRole: who is providing information about the case."""

    PERSON = "person", "The person"
    RELATIVE = "relative", "Relative"
    PUBLIC = "public", "Member of the public"
    PROFESSIONAL = "professional", "Professional"
    COMMUNITY_GROUP = "community_group", "Community group"
    ELECTED_REPRESENTATIVE = "elected_representative", "Elected representative"
    WORKER = "worker", "Our worker"


class ContactOutcome(models.TextChoices):
    REACHED = "reached", "Reached the person"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Message left"
    LETTER_SENT = "letter_sent", "Letter sent"
    VISIT_NO_REPLY = "visit_no_reply", "Visited, no reply"


class AdviceOutcome(models.TextChoices):
    """Whether the information and advice given at a contact helped, found out by the check that follows it
    (Care Act s4 and the Wokingham procedure: the advice must be effective, not only given)."""

    HELPED = "helped", "It helped"
    PARTLY = "partly", "It helped in part"
    DID_NOT_HELP = "did_not_help", "It did not help"


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", "Annual leave"
    TRAINING = "training", "Training"
    SICK = "sick", "Off sick"
    OTHER = "other", "Other"


class FollowUpBy(models.TextChoices):
    """Who follows up what was agreed at a contact (the duty desk says; Wokingham duty procedure)."""

    WORKER = "worker", "The allocated worker"
    TEAM = "team", "The responsible team"
    RECORDER = "recorder", "Me (whoever records this contact)"


class PriorityDecision(models.TextChoices):
    """What the duty officer decided about a case's priority after a concern was raised."""

    RAISE = "raise", "Raise the priority"
    LEAVE = "leave", "Leave the priority as it is"


class OnBehalfKind(models.TextChoices):
    """Actions the duty desk may take for an unavailable allocated worker (Wokingham duty procedure)."""

    SUSPEND_SERVICE = "suspend_service", "Suspend a service (for example on hospital admission)"
    RESTART_SERVICE = "restart_service", "Restart a service (for example on discharge)"
    ARRANGE_RESPITE = "arrange_respite", "Arrange respite already agreed in the plan"
    MAKE_REFERRAL = "make_referral", "Make a referral to another team or organisation"
