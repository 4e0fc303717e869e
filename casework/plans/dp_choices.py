from django.db import models


class DirectPaymentRecipient(models.TextChoices):
    PERSON = "person", "The person"
    NOMINATED = "nominated", "A nominated person"
    AUTHORISED = "authorised", "An authorised person (the person lacks capacity)"


class ContributionBasis(models.TextChoices):
    NET = "net", "Net: the council pays the budget less the person's contribution"
    GROSS = "gross", "Gross: the council pays the whole budget and invoices the contribution"


class PaymentFrequency(models.TextChoices):
    FOUR_WEEKLY = "four_weekly", "Every 4 weeks"
    MONTHLY = "monthly", "Monthly"


class AccountType(models.TextChoices):
    MANAGED_ACCOUNT = "managed_account", "Managed account"
    OWN_BANK_ACCOUNT = "own_bank_account", "Their own bank account"
    PREPAID_CARD = "prepaid_card", "Pre-paid card"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


CURRENT_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"
    HELD = "held", "Held"


class SurplusDecision(models.TextChoices):
    RECOVER = "recover", "Recover it"
    KEEP = "keep", "Let the person keep it"
