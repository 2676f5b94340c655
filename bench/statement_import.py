"""Importing a bank statement with N matching credits (default 200): seconds for the import as
the view runs it (`reconcile.import_statement` and the commit), each booking rendering its
"payment received" letter (a PDF/A) inside the request.

    .venv/bin/python bench/statement_import.py                  # a throwaway SQLite file
    .venv/bin/python bench/statement_import.py --entries 200 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench   # emptied
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url and "bench" not in args.database_url:
        parser.error("the database URL must contain 'bench': it is emptied")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.db"
        run(args.entries)


def run(count: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from portal import create_app
    from portal.extensions import db
    from portal.fees import reconcile
    from portal.fees.sample import sample_statement
    from portal.models import Fee, Letter, StaffRole
    from portal.setup import MIGRATIONS_DIR
    from tests.support.factories import ApplicationFactory, UserFactory, member

    app = create_app("development")
    with app.app_context(), app.test_request_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        user = member()
        organisation = user.memberships[0].organisation
        for _ in range(count):
            ApplicationFactory(
                submitted=True, organisation=organisation, created_by=user, fee=False
            )
        finance = UserFactory(staff_role=StaffRole.SUPERVISOR)
        db.session.commit()
        statement = sample_statement().encode()
        letters_before = db.session.scalar(select(func.count(Letter.id)))
        started = time.perf_counter()
        result = reconcile.import_statement(statement, "bench.xml", finance)
        db.session.commit()
        seconds = time.perf_counter() - started
        paid = db.session.scalar(select(func.count(Fee.id)).where(Fee.paid_on.is_not(None)))
        letters = db.session.scalar(select(func.count(Letter.id))) - letters_before
        print(
            f"{db.engine.dialect.name}: {count} entries → {result.counts} in {seconds:.2f} s "
            f"({1000 * seconds / count:.0f} ms per entry); fees paid {paid}, letters {letters}; "
            f"load {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
