"""An example client of the Sponsor Portal API (issue 18), with `requests` only.

It gets a token (OAuth2 client credentials), registers one person, submits a batch of
student registrations as JSON lines, and polls the batch until it has finished.

    python example_client.py https://portal.example.nl 12345678 sp_… SECRET

Register the client first (Organisation → API clients) with the scopes people:read and
people:write. The API is described in /api/v1/openapi.json and /api/v1/docs.
"""

import json
import sys
import time
import uuid
from datetime import date, timedelta

import requests

FINISHED = {"succeeded", "rejected", "failed", "cancelled"}


def get_token(base: str, client_id: str, secret: str) -> str:
    response = requests.post(
        f"{base}/api/v1/oauth/token",
        data={"grant_type": "client_credentials", "scope": "people:read people:write"},
        auth=(client_id, secret),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def register_person(session: requests.Session, base: str, kvk: str, person: dict) -> dict:
    """POST a person; the Idempotency-Key makes a retry after a lost answer safe."""
    response = session.post(
        f"{base}/api/v1/organisations/{kvk}/people",
        json=person,
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=30,
    )
    if response.status_code == 422:  # the problems per field, as the web form shows them
        for error in response.json()["errors"]:
            print(f"  {error['pointer']}: {error.get('detail', error['code'])}")
    response.raise_for_status()
    return response.json()


def submit_batch(session: requests.Session, base: str, kvk: str, rows: list[dict]) -> str:
    """POST the rows as JSON lines; answers 202 with the batch's address to poll."""
    body = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()
    response = session.post(
        f"{base}/api/v1/organisations/{kvk}/batches",
        data=body,
        headers={"Content-Type": "application/jsonl", "Idempotency-Key": str(uuid.uuid4())},
        timeout=120,
    )
    response.raise_for_status()
    return response.headers["Location"]


def poll(session: requests.Session, base: str, location: str, seconds: float = 300) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        batch = session.get(f"{base}{location}", timeout=30).json()
        print(
            f"  batch {batch['id']}: {batch['status']} ({batch['done_rows']}/{batch['total_rows']})"
        )
        if batch["status"] in FINISHED or time.monotonic() > deadline:
            return batch
        time.sleep(1)


def student(n: int, today: date) -> dict:
    """One student row: the columns of the web import's template."""
    start = date(today.year + 1, 9, 1)
    return {
        "surname": "Voorbeeld-" + "".join("abcdefghij"[int(d)] for d in str(n)),  # letters only
        "given_names": "Zoë",
        "date_of_birth": "27-03-2006",
        "place_of_birth": "Hà Nội",
        "country_of_birth": "VN",
        "nationality": "VN",
        "sex": "female",
        "civil_status": "unmarried",
        "passport_number": f"EX{n:07d}",
        "passport_issued_on": (today - timedelta(days=200)).strftime("%d-%m-%Y"),
        "passport_expires_on": (today + timedelta(days=3000)).strftime("%d-%m-%Y"),
        "procedure": "residence",
        "email": f"student{n}@example.com",
        "programme": "MSc Data Science",
        "start_date": start.strftime("%d-%m-%Y"),
        "end_date": date(start.year + 2, 8, 31).strftime("%d-%m-%Y"),
    }


def main(base: str, kvk: str, client_id: str, secret: str, students: int = 25) -> dict:
    base = base.rstrip("/")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {get_token(base, client_id, secret)}"
    today = date.today()
    person = {
        **{k: v for k, v in student(0, today).items() if k in PERSON_FIELDS},
        "category": "study",
    }
    created = register_person(session, base, kvk, person)
    print(f"registered person {created['id']}: {created['given_names']} {created['surname']}")
    location = submit_batch(session, base, kvk, [student(n, today) for n in range(1, students + 1)])
    batch = poll(session, base, location)
    for problem in batch["problems"]:
        print(
            f"  row {problem['row']} {problem['field']} ({problem['code']}): {problem['message']}"
        )
    print(f"batch {batch['id']}: {batch['status']} {batch['result'] or ''}")
    return batch


# What the people resource takes besides the category (see PersonInput in openapi.json).
PERSON_FIELDS = {
    "surname", "given_names", "date_of_birth", "place_of_birth", "country_of_birth",
    "nationality", "sex", "passport_number", "passport_issued_on", "passport_expires_on", "email",
}  # fmt: skip

if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    finished = main(*sys.argv[1:])
    sys.exit(0 if finished["status"] == "succeeded" else 1)
