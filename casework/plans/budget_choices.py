from django.db import models


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PersonalBudgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    PASSED_UP = "passed_up", "Agreed and passed up (over the approver's limit)"


# The roles that approve personal budgets, in the order of the usual chain: a team manager, then the
# organisation's oversight managers (the case managers: the head of service's level). Their annual limits
# are the organisation admin's to set.
APPROVING_ROLES = ("team_manager", "case_manager")

# The working days a financial assessment may take from starting, as the organisation admin sets them.
FA_WORKING_DAYS_MIN = 1
FA_WORKING_DAYS_MAX = 60
