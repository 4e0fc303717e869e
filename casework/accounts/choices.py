from django.db import models


class OrganisationKind(models.TextChoices):
    LEAD = "lead", "Lead organisation"
    RESPONSIBLE = "responsible", "Responsible organisation"
    DELIVERY = "delivery", "Delivery organisation"
    SOURCE = "source", "Source organisation"


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS = "nhs", "NHS body"
    HOUSING = "housing", "Housing association"
    VOLUNTARY = "voluntary", "Community or voluntary group"
    GOVERNMENT = "government", "Government department"
    PRIVATE = "private", "Private sector"
    OTHER = "other", "Other"


class Capability(models.TextChoices):
    HOME_VISITS = "home_visits", "Home visits"
    PHONE = "phone", "Phone"
    LETTERS = "letters", "Letters"
    FACE_TO_FACE = "face_to_face", "Face to face"


class Role(models.TextChoices):
    DUTY_OFFICER = "duty_officer", "Duty officer"
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    CASE_MANAGER = "case_manager", "Case manager (oversight)"
    ORG_ADMIN = "org_admin", "Organisation admin"
    INITIATIVE_ADMIN = "initiative_admin", "Initiative admin"
    AUDITOR = "auditor", "Auditor (information governance)"
    # At the lead organisation: imports source data, keeps the risk model, reviews matches, reads the cohort.
    RISK_ANALYST = "risk_analyst", "Risk analyst"


# Roles that do casework with people's records (as opposed to administering or auditing).
CASEWORK_ROLES = frozenset({Role.DUTY_OFFICER, Role.PRACTITIONER, Role.TEAM_MANAGER, Role.CASE_MANAGER})
# Roles that may change person records (case managers read only).
EDITING_ROLES = frozenset({Role.DUTY_OFFICER, Role.PRACTITIONER, Role.TEAM_MANAGER})

# The kinds of organisation that hold cases (the initiative's lead and its responsible organisations); a
# delivery organisation works the referrals sent to it.
CASE_HOLDING_KINDS = frozenset({"lead", "responsible"})
