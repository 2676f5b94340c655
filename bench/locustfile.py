"""Locust journeys for the load test (bench/load_test.py runs them; issue 21).

Sponsors: sign in (password, then their own TOTP code), the dashboard, the inbox, open a letter
and download its PDF, start a residence application for a person in the register and save its
first section. Reviewers: sign in to the back office, the work queue, a case.

Credentials come from the JSON that bench/load_seed.py writes (LOAD_USERS); each simulated user
takes an account of its own. Any answer other than the expected one counts as a failure.
"""

import json
import os
import random
import re
from html import unescape

import pyotp
import urllib3
from locust import HttpUser, between, events, task

urllib3.disable_warnings()  # the topology's certificate is self-signed, on 127.0.0.1

CREDENTIALS = json.loads(open(os.environ["LOAD_USERS"]).read())  # noqa: SIM115
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LETTER = re.compile(r'href="/inbox/(\d+)"')
PERSON = re.compile(r'href="/people/(\d+)"')
CASE = re.compile(r'href="/backoffice/cases/(\d+)"')
KIND = re.compile(r'<input[^>]*name="kind"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
SECTION = re.compile(r'href="(/applications/residence/\d+/sections/[a-z_]+)"')
FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
INPUT = re.compile(r"<input([^>]*)>", re.I)
SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S | re.I)
TEXTAREA = re.compile(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S | re.I)
OPTION = re.compile(r"<option[^>]*>", re.I)
ATTRIBUTE = re.compile(r'([a-z_-]+)="([^"]*)"')


def csrf(html: str) -> str:
    return CSRF.search(html).group(1)


def form_values(html: str) -> dict:
    """What a browser would send back from the page's main form, as it was filled in."""
    values: dict = {}
    for form in FORM.findall(html):
        if 'name="later"' not in form:  # the section's form, not the language or sign-out ones
            continue
        for raw in INPUT.findall(form):
            attributes = dict(ATTRIBUTE.findall(raw))
            name, kind = attributes.get("name"), attributes.get("type", "text")
            if not name or kind in ("submit", "button"):
                continue
            if kind == "radio" and "checked" not in raw:
                values.setdefault(name, attributes.get("value", ""))  # a choice still to make
                continue
            if kind == "checkbox" and "checked" not in raw:
                continue
            values[name] = unescape(attributes.get("value", ""))
        for name, options in SELECT.findall(form):
            chosen = [tag for tag in OPTION.findall(options) if "selected" in tag]
            values[name] = unescape(VALUE.search(chosen[0]).group(1)) if chosen else ""
        for name, text in TEXTAREA.findall(form):
            values[name] = unescape(text.strip())
    return values


class Accounts:
    def __init__(self):
        self.sponsor = list(CREDENTIALS["sponsor"])
        self.staff = list(CREDENTIALS["staff"])


ACCOUNTS = Accounts()


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    sign_in_path = "/sign-in"

    def on_start(self):
        self.client.verify = False
        # As a browser: over HTTPS, Flask-WTF wants a Referer of the same origin on every POST.
        self.client.headers["Referer"] = f"{self.host}/"
        pool = ACCOUNTS.staff if self.sign_in_path.startswith("/backoffice") else ACCOUNTS.sponsor
        account = pool.pop()
        page = self.client.get(self.sign_in_path, name=self.sign_in_path).text
        answer = self.client.post(
            self.sign_in_path,
            data={
                "csrf_token": csrf(page),
                "email": account["email"],
                "password": CREDENTIALS["password"],
            },
            allow_redirects=False,
            name=f"{self.sign_in_path} (password)",
        )
        code_path = f"{self.sign_in_path}/code"
        assert answer.headers.get("Location", "").endswith(code_path), answer.status_code
        page = self.client.get(code_path, name=code_path).text
        with self.client.post(
            code_path,
            data={"csrf_token": csrf(page), "code": pyotp.TOTP(account["totp"]).now()},
            allow_redirects=False,
            name=f"{code_path} (TOTP)",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"second step: {answer.status_code}")


class Sponsor(SignedIn):
    weight = 9

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard", name="/dashboard")

    @task(3)
    def inbox_and_letter(self):
        inbox = self.client.get("/inbox", name="/inbox").text
        letters = LETTER.findall(inbox)
        if letters:
            letter = random.choice(letters)
            self.client.get(f"/inbox/{letter}", name="/inbox/[letter]")
            with self.client.get(
                f"/inbox/{letter}/pdf", name="/inbox/[letter]/pdf", catch_response=True
            ) as answer:
                if not answer.content.startswith(b"%PDF"):
                    answer.failure("not a PDF")

    @task(1)
    def start_and_save_an_application(self):
        people = PERSON.findall(self.client.get("/people/", name="/people/").text)
        if not people:
            return
        start = f"/applications/residence/new?person={random.choice(people)}"
        page = self.client.get(start, name="/applications/residence/new").text
        kinds = [VALUE.search(tag).group(1) for tag in KIND.findall(page) if "disabled" not in tag]
        if not kinds:
            return
        with self.client.post(
            start,
            data={"csrf_token": csrf(page), "kind": random.choice(kinds)},
            name="/applications/residence/new (start)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 400 and 'class="error-message' in answer.text:
                answer.success()  # the portal's answer to a choice it refuses, next to the field
        sections = SECTION.findall(answer.text)
        if not sections:
            return
        page = self.client.get(sections[0], name="/applications/residence/[id]/sections/[key]")
        values = form_values(page.text)
        values["later"] = "1"
        with self.client.post(
            sections[0],
            data=values,
            name="/applications/residence/[id]/sections/[key] (save)",
            catch_response=True,
        ) as answer:
            # Saved; a 400 page shows what is still missing next to each field (also saved).
            if answer.status_code == 400 and 'class="error-message' in answer.text:
                answer.success()


class Reviewer(SignedIn):
    fixed_count = len(CREDENTIALS["staff"])
    sign_in_path = "/backoffice/sign-in"

    @task(2)
    def queue(self):
        self.client.get("/backoffice/", name="/backoffice/")

    @task(3)
    def case(self):
        cases = CASE.findall(self.client.get("/backoffice/", name="/backoffice/").text)
        if cases:
            self.client.get(
                f"/backoffice/cases/{random.choice(cases)}", name="/backoffice/cases/[id]"
            )


@events.quitting.add_listener
def summary(environment, **_kwargs):
    total = environment.stats.total
    figures = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.total_rps, 1),
        "median_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "max_ms": round(total.max_response_time),
    }
    print("\nSUMMARY " + " ".join(f"{key}={value}" for key, value in figures.items()))
    if total.num_failures:
        environment.process_exit_code = 1
