"""Overdue reviews escalate once per breach: the team's managers are told and the team gets a task; again
only when the review is overdue for a later due date; reviews waiting on the review list escalate there, not
here."""

import datetime

from casework.audit.models import AuditEvent
from casework.contacts.models import Message
from casework.core import clock
from casework.reviews import services
from casework.reviews.escalation import overdue_reviews_escalate
from casework.reviews.models import Review
from casework.tasks.models import Task

DAY = datetime.timedelta(days=1)


def test_an_overdue_review_is_escalated_once_per_breach(world, active_plan):
    services.make_due_reviews()
    review = Review.objects.get(case=active_plan.case, status="due")
    today = clock.today()
    assert overdue_reviews_escalate(today=today) == 0  # not yet due
    Review.objects.filter(pk=review.pk).update(due_on=today - DAY)
    assert overdue_reviews_escalate(today=today) == 1
    assert overdue_reviews_escalate(today=today) == 0  # the same breach: once
    (message,) = Message.objects.filter(to_user=world.team_manager, case=active_plan.case)
    assert message.body.startswith(f"The planned review of {active_plan.case.reference} was due on")
    (task,) = Task.objects.filter(case=active_plan.case, kind="escalation")
    assert task.assigned_to_team_id == active_plan.case.allocated_team_id and task.due_date == today
    event = AuditEvent.objects.get(verb="reviews.review_escalated")
    assert event.changes["alerted"]["after"] == [world.team_manager.pk]
    assert overdue_reviews_escalate(today=today + 5 * DAY) == 0  # days later: still the same breach
    # Put off to a later date, and overdue again: a new breach, escalated again.
    Review.objects.filter(pk=review.pk).update(due_on=today + 2 * DAY)
    assert overdue_reviews_escalate(today=today + 5 * DAY) == 1
    assert Task.objects.filter(case=active_plan.case, kind="escalation").count() == 2


def test_a_review_waiting_on_the_review_list_escalates_there_not_here(world, unallocated):
    request = services.review_request(
        user=world.duty_officer,
        case=unallocated,
        requested_by="carer",
        requester_name="Jo Thornton",
        reason="unplanned_carer",
    )
    assert request.waiting_entry is not None
    Review.objects.filter(pk=request.review_id).update(due_on=clock.today() - DAY)
    assert overdue_reviews_escalate() == 0
