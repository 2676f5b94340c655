"""The applications list: milliseconds for the first page, a page deep in the list and a name
search, at 20,000 applications of one organisation (among others'), through
`portal.cases.listing.page` as the view calls it. Keyset pages: a deep page should cost about
what the first costs. On PostgreSQL the deep page's plan is printed (it should use
`ix_application_organisation_created`).

    .venv/bin/python bench/applications_list.py                    # a throwaway SQLite file
    .venv/bin/python bench/applications_list.py --applications 50000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench   # emptied
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(function, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url and "bench" not in args.database_url:
        parser.error("the database URL must contain 'bench': it is emptied")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.db"
        run(args.applications)


def run(count: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from portal import create_app
    from portal.cases import listing
    from portal.extensions import db
    from portal.models import Application, Organisation, OrganisationKind, Person, User
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        user = User(email="bench@bench.example", name="Bench", password_hash="x")
        orgs = [
            Organisation(
                kvk_number=f"{10000000 + n}",
                legal_name=f"Bench {n}",
                street_address="Campuslaan 1",
                postcode="1234 AB",
                city="Utrecht",
                country="NL",
                email=f"o{n}@bench.example",
                persons_employed=10,
                kind=OrganisationKind.HIGHER_EDUCATION,
            )
            for n in range(5)
        ]
        db.session.add_all([user, *orgs])
        db.session.flush()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for org in orgs:
            people = [
                {
                    "organisation_id": org.id,
                    "given_names": "Ana",
                    "surname": f"Student {n}",
                    "sort_key": f"student {n} ana",
                    "search_text": f"ana student {n} p{org.id}{n:07d}",
                    "date_of_birth": datetime(2000, 1, 1).date(),
                    "place_of_birth": "Lima",
                    "country_of_birth": "PE",
                    "nationality": "PE",
                    "sex": "unspecified",
                    "category": "study",
                    "passport_number": f"P{org.id}{n:07d}",
                    "passport_issued_on": datetime(2020, 1, 1).date(),
                    "passport_expires_on": datetime(2030, 1, 1).date(),
                }
                for n in range(count)
            ]
            db.session.execute(insert(Person), people)
            ids = db.session.scalars(
                select(Person.id).where(Person.organisation_id == org.id).order_by(Person.id)
            ).all()
            db.session.execute(
                insert(Application),
                [
                    {
                        "organisation_id": org.id,
                        "kind": "student",
                        "category": "study",
                        "status": "draft" if n % 3 else "submitted",
                        "person_id": person_id,
                        "created_by_id": user.id,
                        "created_at": start + timedelta(minutes=n),
                    }
                    for n, person_id in enumerate(ids)
                ],
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
        org = orgs[2]
        visible = Application.organisation_id == org.id
        deep = db.session.scalars(
            select(Application)
            .where(visible)
            .order_by(Application.created_at.desc(), Application.id.desc())
            .offset(int(count * 0.9))
            .limit(1)
        ).one()
        none = listing.ListFilter()
        first_ms = _median_ms(lambda: listing.page(visible, none, None))
        deep_ms = _median_ms(lambda: listing.page(visible, none, deep))
        drafts = listing.ListFilter(status=listing.ApplicationStatus.DRAFT)
        drafts_ms = _median_ms(lambda: listing.page(visible, drafts, deep))
        search_ms = _median_ms(
            lambda: listing.page(visible, listing.ListFilter(text="student 123"), None)
        )
        rows, _more = listing.page(visible, none, deep)
        assert len(rows) == listing.PAGE_SIZE
        print(
            f"database: {db.engine.dialect.name}; "
            f"{count} applications per organisation, 5 organisations"
        )
        print(f"first page        {first_ms:>8} ms")
        print(f"page at 90 %      {deep_ms:>8} ms")
        print(f"drafts at 90 %    {drafts_ms:>8} ms")
        print(f"name search       {search_ms:>8} ms")
        if db.engine.dialect.name == "postgresql":
            query = (
                listing._query(visible, none)
                .where(Application.created_at < deep.created_at)
                .order_by(Application.created_at.desc(), Application.id.desc())
                .limit(26)
            )
            compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = db.session.execute(text(f"EXPLAIN {compiled}")).scalars().all()
            print("plan of a deep page:")
            print("\n".join(f"  {line}" for line in plan[:8]))


if __name__ == "__main__":
    main()
