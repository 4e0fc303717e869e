from django.db import models


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IDENTITY_VERIFIED = "identity_verified", "Identity verified"
    CLARIFICATION_ASKED = "clarification_asked", "Clarification asked (clock stopped)"
    EXTENDED = "extended", "Extended"
    BUNDLE_PREPARED = "bundle_prepared", "Bundle prepared"
    RELEASED = "released", "Released"


class RedactionReason(models.TextChoices):
    THIRD_PARTY = "third_party", "Information about another person (third party)"
    SERIOUS_HARM = "serious_harm", "Serious harm test (social work exemption)"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
    CRIME = "crime", "Prevention or detection of crime"
    OTHER = "other", "Other exemption (say which)"


OPEN_STATUSES = frozenset(
    {
        RequestStatus.RECEIVED,
        RequestStatus.IDENTITY_VERIFIED,
        RequestStatus.CLARIFICATION_ASKED,
        RequestStatus.EXTENDED,
        RequestStatus.BUNDLE_PREPARED,
    }
)
