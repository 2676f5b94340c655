"""A database of its own for the worker fault tests (a worker in another process sees only
what is committed): `python -m tests.support.job_fault <rows>` migrates the database named by
TEST_DATABASE_URL, makes a university with an API client, and sends a batch of <rows> students
through the API (HTTP, as a student system would); prints the batch id. Run with the
environment the worker gets (PORTAL_ENV=test, TEST_DATABASE_URL, JOBS_INLINE=0)."""

import json
import sys

from flask_migrate import upgrade
from sqlalchemy import text

from portal import clock, create_app
from portal.bulk.student_rows import example_row
from portal.extensions import db
from portal.setup import MIGRATIONS_DIR
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.student_import import letters, university


def fresh_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(directory=str(MIGRATIONS_DIR))


def rows(count: int) -> bytes:
    today = clock.today()
    lines = []
    for n in range(1, count + 1):
        row = example_row(today)
        row.update(surname=f"Student {letters(n)}", passport_number=f"NP{n:06d}")
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines).encode()


def main(count: int) -> None:
    app = create_app("test")
    with app.app_context():
        fresh_schema()
        user, org = university()
        db.session.commit()
        kvk = org.kvk_number
        db.session.refresh(user)
        db.session.expunge(user)  # the requests below run in app contexts of their own
    http = app.test_client()
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=("people:read", "people:write"))
    sign_out(http)
    token = get_token(http, client_id, secret)
    answer = http.post(
        f"/api/v1/organisations/{kvk}/batches",
        data=rows(count),
        headers=bearer(token, **{"Content-Type": "application/jsonl"}),
    )
    assert answer.status_code == 202, answer.get_data(as_text=True)
    print(answer.json["id"])


if __name__ == "__main__":
    main(int(sys.argv[1]))
