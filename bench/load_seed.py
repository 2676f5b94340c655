"""Seeds the load test's database (bench/load_test.py): the demo data, then users of its own —
sponsor administrators of the demo employer and university, and reviewers — each with a
password and a TOTP secret of their own (a code is never accepted twice for one user, so
simulated users never share an account). Writes their credentials to a JSON file for Locust.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/portal_topology \
        .venv/bin/python bench/load_seed.py users.json --sponsors 90 --staff 10
"""

import argparse
import json
import os
import sys
from pathlib import Path

import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-load-Journeys-2026"  # noqa: S105 - a bench database on 127.0.0.1 only
ORGANISATIONS = ("employer@demo.example", "university@demo.example")


def seed(path: Path, sponsors: int, staff: int) -> None:
    os.environ["PORTAL_ENV"] = "development"  # the demo data refuses production
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from portal import create_app
    from portal.demo import load
    from portal.extensions import db
    from portal.identity.passwords import hash_password
    from portal.models import Membership, OrgRole, StaffRole, User
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        load()
        password_hash = hash_password(PASSWORD)
        organisations = [
            db.session.scalar(select(User).where(User.email == email)).memberships[0].organisation
            for email in ORGANISATIONS
        ]
        people = {"sponsor": [], "staff": []}
        for n in range(sponsors):
            secret = pyotp.random_base32()
            user = User(
                email=f"load{n}@bench.example",
                name=f"Load User {n}",
                password_hash=password_hash,
                totp_secret=secret,
            )
            db.session.add(user)
            organisation = organisations[n % len(organisations)]
            db.session.add(
                Membership(user=user, organisation=organisation, role=OrgRole.ADMINISTRATOR)
            )
            people["sponsor"].append({"email": user.email, "totp": secret})
        for n in range(staff):
            secret = pyotp.random_base32()
            user = User(
                email=f"reviewer{n}@bench.example",
                name=f"Load Reviewer {n}",
                password_hash=password_hash,
                staff_role=StaffRole.REVIEWER,
                totp_secret=secret,
            )
            db.session.add(user)
            people["staff"].append({"email": user.email, "totp": secret})
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    path.write_text(json.dumps({"password": PASSWORD, **people}, indent=1))
    print(f"seeded {sponsors} sponsor users and {staff} reviewers: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--sponsors", type=int, default=90)
    parser.add_argument("--staff", type=int, default=10)
    args = parser.parse_args()
    seed(args.path, args.sponsors, args.staff)


if __name__ == "__main__":
    main()
