"""Retention's pages and API: who may reach them (organisation admins and auditors of the organisation; the
schedule changed only by admins), the same services behind both, and refusals that change nothing."""

import pytest
from django.urls import reverse

from casework.core import jobs
from casework.retention.choices import Covers
from casework.retention.models import DisposalRun, LegalHold, RecordClass, Tombstone

pytestmark = pytest.mark.django_db

PAGES = ("retention:run_list", "retention:schedule", "retention:hold_list", "retention:hold_new")


@pytest.mark.parametrize("persona", ["org_admin", "auditor"])
def test_governors_reach_the_pages(world, login, persona):
    client = login(getattr(world, persona))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "duty_officer", "case_manager"])
def test_caseworkers_are_refused(world, login, persona):
    client = login(getattr(world, persona))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("retention:run_start")).status_code == 403
    assert not DisposalRun.objects.exists()


def test_an_auditor_may_not_change_the_schedule(world, login):
    default = RecordClass.objects.get(organisation__isnull=True, covers=Covers.CLOSED_CASE)
    client = login(world.auditor)
    assert client.get(reverse("retention:class_edit", args=[default.pk])).status_code == 404
    admin = login(world.org_admin)
    page = admin.get(reverse("retention:class_edit", args=[default.pk]))
    assert page.status_code == 200
    refused = admin.post(
        reverse("retention:class_edit", args=[default.pk]),
        {"version": 1, "name": "Case records", "period": 6, "period_unit": "years", "action": "destroy"},
    )
    assert refused.status_code == 200 and "Enter why the schedule changes" in refused.content.decode()
    saved = admin.post(
        reverse("retention:class_edit", args=[default.pk]),
        {"version": 1, "name": "Case records", "period": 6, "period_unit": "years", "action": "destroy",
         "reason": "CASE+6"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert RecordClass.objects.get(organisation=world.county, covers=Covers.CLOSED_CASE).period == 6


def test_an_admin_runs_a_dry_run_appraises_and_disposes_through_the_pages(world, records, login):
    client = login(world.org_admin)
    started = client.post(reverse("retention:run_start"))
    run = DisposalRun.objects.get()
    assert started.status_code == 302 and started["Location"] == run.get_absolute_url()
    assert "Queued" in client.get(run.get_absolute_url()).content.decode()
    jobs.run_pending()
    page = client.get(run.get_absolute_url()).content.decode()
    assert records["old_case"].reference in page and "Download the list (CSV)" in page
    csv = b"".join(client.get(reverse("retention:run_csv", args=[run.pk])).streaming_content).decode()
    assert records["old_case"].reference in csv
    candidate = run.candidates.get(object_id=records["old_case"].pk)
    missing = client.post(reverse("retention:run_appraise", args=[run.pk]), {"decision": "destroy"})
    assert "Select at least one record to appraise" in missing.content.decode()
    client.post(
        reverse("retention:run_appraise", args=[run.pk]),
        {"candidates": [candidate.pk], "decision": "destroy", "reason": "Period run, nothing outstanding"},
    )
    disposed = client.post(reverse("retention:run_dispose", args=[run.pk]))
    assert disposed.status_code == 302
    jobs.run_pending()
    assert Tombstone.objects.get().former_id == records["old_case"].pk
    assert records["old_case"].reference in client.get(reverse("retention:tombstone_list")).content.decode()


def test_holds_are_placed_and_lifted_through_the_pages(world, records, login):
    client = login(world.auditor)
    refused = client.post(reverse("retention:hold_new"), {"kind": "case", "identifier": "CW-NOPE",
                                                          "reason": "inquiry", "reference": "X"})  # fmt: skip
    assert "No case of your organisation has that reference" in refused.content.decode()
    client.post(
        reverse("retention:hold_new"),
        {
            "kind": "case",
            "identifier": records["old_case"].reference,
            "reason": "inquiry",
            "reference": "I-1",
        },
    )
    hold = LegalHold.objects.get()
    assert "Public inquiry: I-1" in client.get(reverse("retention:hold_list")).content.decode()
    client.post(reverse("retention:hold_lift", args=[hold.pk]), {"reason": "Inquiry closed"})
    hold.refresh_from_db()
    assert not hold.is_active and hold.lifted_by == world.auditor
    assert (
        login(world.district_auditor).get(reverse("retention:hold_lift", args=[hold.pk])).status_code == 404
    )


def test_the_api_runs_classes_holds_and_dry_runs_through_the_same_services(world, records, api):
    client = api(world.org_admin)
    classes = client.get("/retention/classes")
    assert classes.status_code == 200 and {c["covers"] for c in classes.json()} == set(Covers.values)
    closed = next(c for c in classes.json() if c["covers"] == "closed_case")
    changed = client.post(
        f"/retention/classes/{closed['id']}/change",
        {"version": 1, "name": "Case records", "period": 8, "period_unit": "years", "action": "review",
         "reason": "Review first"},
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json()["organisation_id"] == world.county.pk
    held = client.post(
        "/retention/holds",
        {
            "kind": "case",
            "identifier": records["old_case"].reference,
            "reason": "litigation",
            "reference": "C1",
        },
    )
    assert held.status_code == 201
    made = client.post("/retention/dry-runs", {})
    assert made.status_code == 201 and made.json()["status"] == "queued"
    jobs.run_pending()
    run_id = made.json()["id"]
    assert client.get(f"/retention/dry-runs/{run_id}").json()["status"] == "done"
    candidates = client.get(f"/retention/dry-runs/{run_id}/candidates").json()["items"]
    assert records["old_case"].pk not in {c["object_id"] for c in candidates}
    wanted = next(c for c in candidates if c["object_id"] == records["old_case2"].pk)
    appraised = client.post(
        f"/retention/dry-runs/{run_id}/appraisals",
        {"candidate_ids": [wanted["id"]], "decision": "destroy", "reason": "Nothing outstanding"},
    )
    assert appraised.status_code == 201 and appraised.json()[0]["decision"] == "destroy"
    disposal = client.post(f"/retention/dry-runs/{run_id}/dispose", {})
    assert disposal.status_code == 201
    jobs.run_pending()
    assert client.get(f"/retention/dry-runs/{disposal.json()['id']}").json()["counts"]["disposed"] == 1
    lifted = client.post(f"/retention/holds/{held.json()['id']}/lift", {"reason": "Settled"})
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    assert api(world.practitioner).get("/retention/holds").status_code == 403
    assert api(world.district_auditor).get(f"/retention/dry-runs/{run_id}").status_code == 404
