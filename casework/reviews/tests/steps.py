"""Take a review through the services: for tests in any app (and the demo's shape)."""

from __future__ import annotations

from casework.reviews import services
from casework.reviews.models import Review
from casework.reviews.services import OutcomeIn


def finish_review(*, user, review: Review, decision: str = "no_change", met: str = "met") -> Review:
    """Start the review (if due) and record it with one outcome and the decision: awaiting sign-off."""
    if review.status == "due":
        services.review_start(user=user, review=review, version=review.version)
    return services.review_record(
        user=user,
        review=review,
        version=review.version,
        involved="Her daughter Jo",
        outcomes=[
            OutcomeIn(
                outcome="To stay in my own home",
                met=met,
                person_words="I manage with the carers",
                worker_words="Morning calls are working",
            )
        ],
        working="Morning calls",
        not_working="Evenings are lonely",
        decision=decision,
        finished=True,
    )
