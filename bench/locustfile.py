"""The realistic mix of make bench (issue 14): people at work on the council-scale data, with think time.

Run by bench/run.py (`locust --headless`, loopback only) with BENCH_MIX_DATA naming a JSON file it writes:
case ids each bench user may open, people to search for, filter values and API tokens. Every simulated user
signs in through the real form as one of the bench users (casework.demo.scale.BENCH_PASSWORD_USERS) and then
opens pages as that person would: practitioners their home page, worklists with every sort and filter, their
cases, case pages, searches and recording contacts; team managers the worklist by team and the waiting list;
duty officers the duty desk; API clients the API with a bearer token. Each waits 1 to 5 s between steps.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_MIX_DATA"]).read()) if os.environ.get("BENCH_MIX_DATA") else {}
PASSWORD = os.environ.get("DEMO_PASSWORD", "casework-demo")
SORTS = ("priority", "newest", "oldest", "risk", "area")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _worklist_query() -> dict:
    """A worklist as people open it: usually by priority, often sorted or filtered, sometimes page 2."""
    query: dict = {"sort": random.choice(SORTS)}
    roll = random.random()
    if roll < 0.15:
        query["priority"] = random.choice(("urgent", "normal", "low"))
    elif roll < 0.30:
        query["area"] = random.choice(DATA["areas"])
    elif roll < 0.40:
        query["risk_category"] = random.choice(DATA["risk_category_ids"])
    elif roll < 0.45:
        start = datetime.date.today() - datetime.timedelta(days=random.choice((7, 30, 60)))
        query |= {"raised_from_0": start.day, "raised_from_1": start.month, "raised_from_2": start.year}
    if random.random() < 0.15:
        query["page"] = 2
    return query


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    username = ""

    def on_start(self):
        self.sign_in()

    def sign_in(self):
        self.client.cookies.clear()
        page = self.client.get("/accounts/login/", name="sign in (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign in as {self.username} answered {response.status_code}")

    def page(self, path: str, name: str, **query):
        return self.client.get(path, params=query or None, name=name)


class Practitioner(SignedIn):
    weight = 30
    username = "bench.worker"

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(8)
    def worklist(self):
        query = _worklist_query()
        self.page("/cases/worklist", f"worklist ({query['sort']})", **query)

    @task(4)
    def my_cases(self):
        self.page("/cases/mine", "my cases")

    @task(8)
    def case_page(self):
        case_id = random.choice(DATA["cases"]["bench.worker"])
        self.page(f"/cases/{case_id}/", "case page")

    @task(3)
    def search(self):
        person = random.choice(DATA["people"])
        if random.random() < 0.5:
            self.page("/people/", "person search (NHS number)", nhs_number=person["nhs_number"])
        else:
            born = datetime.date.fromisoformat(person["date_of_birth"])
            self.page(
                "/people/",
                "person search (name, date of birth)",
                family_name=person["family_name"],
                date_of_birth_0=born.day,
                date_of_birth_1=born.month,
                date_of_birth_2=born.year,
            )

    @task(2)
    def record_contact(self):
        case_id = random.choice(DATA["cases"]["bench.worker"])
        form = self.client.get("/contacts/new", params={"case": case_id}, name="record a contact (form)")
        token = CSRF.search(form.text)
        if not token:
            return
        now = datetime.datetime.now()
        with self.client.post(
            f"/contacts/new?case={case_id}",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "date_0": now.day,
                "date_1": now.month,
                "date_2": now.year,
                "time": now.strftime("%H:%M"),
                "direction": "outbound",
                "method": "phone",
                "contact_role": "person",
                "outcome": random.choice(("reached", "no_answer", "message_left")),
                "summary": "Called to check how things are going (bench).",
            },
            headers={"Referer": f"{self.host}/contacts/new"},
            allow_redirects=False,
            name="record a contact",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"recording a contact answered {response.status_code}")

    @task(1)
    def sign_in_again(self):
        self.sign_in()


class TeamManager(SignedIn):
    weight = 8
    username = "bench.manager"

    @task(4)
    def worklist(self):
        query = _worklist_query()
        if random.random() < 0.3:
            query["team"] = random.choice(DATA["team_ids"])
        self.page("/cases/worklist", f"worklist ({query['sort']})", **query)

    @task(5)
    def waiting_list(self):
        query = random.choice(
            (
                {},
                {},
                {"due": "overdue"},
                {"due": "due_soon"},
                {"priority": "urgent"},
                {"rag": "red"},
                {"list_kind": "assessment"},
                {"area": random.choice(DATA["waiting_areas"])},
                {"page": 2},
            )
        )
        self.page("/waiting-list/", "waiting list", **query)

    @task(2)
    def case_page(self):
        self.page(f"/cases/{random.choice(DATA['cases']['bench.manager'])}/", "case page")

    @task(1)
    def home(self):
        self.page("/", "home")


class DutyOfficer(SignedIn):
    weight = 7
    username = "bench.duty"

    @task(5)
    def duty_desk(self):
        person = random.choice(DATA["people"])
        if random.random() < 0.5:
            self.page("/contacts/duty", "duty desk (NHS number)", nhs_number=person["nhs_number"])
        else:
            born = datetime.date.fromisoformat(person["date_of_birth"])
            self.page(
                "/contacts/duty",
                "duty desk (name, date of birth)",
                family_name=person["family_name"],
                date_of_birth_0=born.day,
                date_of_birth_1=born.month,
                date_of_birth_2=born.year,
            )

    @task(1)
    def open_desk(self):
        self.page("/contacts/duty", "duty desk")


class ApiClient(HttpUser):
    """A system calling the API with a practitioner's bearer token."""

    weight = 5
    wait_time = between(1, 5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {DATA['tokens']['bench.worker']}"

    @task(5)
    def worklist(self):
        query = {"scope": "worklist", "page_size": random.choice((25, 50, 100)), "sort": random.choice(SORTS)}
        if random.random() < 0.2:
            query["page"] = 2
        if random.random() < 0.2:
            query["area"] = random.choice(DATA["areas"])
        self.client.get("/api/v1/cases", params=query, name=f"API worklist ({query['sort']})")

    @task(2)
    def mine(self):
        self.client.get("/api/v1/cases", params={"scope": "mine", "page_size": 50}, name="API my cases")

    @task(2)
    def case(self):
        self.client.get(f"/api/v1/cases/{random.choice(DATA['cases']['bench.worker'])}", name="API case")

    @task(1)
    def waiting_list(self):
        self.client.get(
            "/api/v1/waiting-list",
            params={"page_size": 50},
            headers={"Authorization": f"Bearer {DATA['tokens']['bench.manager']}"},
            name="API waiting list",
        )
