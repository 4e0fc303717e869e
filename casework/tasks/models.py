from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from casework.core import clock
from casework.core.models import TimeStampedModel, VersionedModel
from casework.tasks.choices import TaskKind, TaskStatus

if TYPE_CHECKING:
    from casework.accounts.models import Team


class Task(TimeStampedModel, VersionedModel):
    """A to-do for a worker or a team, about a case, a person, or neither (a team's own to-do).

    Made only by services.task_create, which every flow that needs something done later goes through.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text="The organisation whose work this is",
    )
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    assigned_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_assigned",
    )
    assigned_to_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    kind = models.CharField(max_length=24, choices=TaskKind.choices, default=TaskKind.OTHER)
    # Where the task came from, for people and for support: "contact:123", "duty_desk", "job:recontact".
    source = models.CharField(max_length=120, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True)
    # Set by background jobs so that running twice finds the task made the first time.
    # NULL, not "", is "no key": the unique constraint skips NULLs on both databases.
    effect_key = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(assigned_to_user__isnull=False) & Q(assigned_to_team__isnull=True))
                | (Q(assigned_to_user__isnull=True) & Q(assigned_to_team__isnull=False)),
                name="task_has_one_assignee",
            ),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="task_kind_valid"),
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.DONE) & Q(completed_at__isnull=False))
                | (~Q(status=TaskStatus.DONE) & Q(completed_at__isnull=True)),
                name="task_completed_when_done",
            ),
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.CANCELLED) & Q(cancelled_at__isnull=False))
                | (~Q(status=TaskStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="task_cancelled_when_cancelled",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="task_has_title"),
            models.UniqueConstraint(
                fields=["effect_key"], condition=Q(effect_key__isnull=False), name="task_effect_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(effect_key__isnull=True) | ~Q(effect_key=""), name="task_effect_key_not_blank"
            ),
        ]
        indexes = [
            # The lists: my tasks, team tasks, the organisation's (team managers), a case's and a person's.
            # Open tasks are read by due date; the overdue ones are simply the earliest.
            models.Index(fields=["assigned_to_user", "status", "due_date", "id"], name="task_user_idx"),
            models.Index(fields=["assigned_to_team", "status", "due_date", "id"], name="task_team_idx"),
            models.Index(fields=["organisation", "status", "due_date", "id"], name="task_organisation_idx"),
            models.Index(fields=["case", "status", "due_date"], name="task_case_idx"),
            models.Index(fields=["person", "status", "due_date"], name="task_person_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < clock.today()

    @property
    def is_due_today(self) -> bool:
        return self.is_open and self.due_date == clock.today()

    @property
    def assignee_name(self) -> str:
        # A foreign key whose id is None is None, without a query.
        if self.assigned_to_user is not None:
            return self.assigned_to_user.display_name
        return cast("Team", self.assigned_to_team).name  # a task is given to a worker or else a team

    @property
    def subject_name(self) -> str:
        """Who the task is about, for lists: the person, else the case's subject, else nobody."""
        if self.person is not None:
            return self.person.full_name
        if self.case is not None:
            return self.case.subject_name
        return ""
