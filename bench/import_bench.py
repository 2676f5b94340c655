"""Bulk student registration: seconds and peak memory for 500, 1,000, 2,000 and 5,000 rows.

Each size runs in a fresh process on a fresh database (a throwaway SQLite file, or
--database-url with "bench" in it: it is emptied), through the import's own services as the
upload and the confirm button call them: read the CSV and store the batch, check every row
(chunk by chunk), then create the people and their draft student applications in one
transaction. Peak memory: the process's maximum resident set (getrusage) minus what it held
before the import, and the peak of Python allocations (tracemalloc, in a second run of the
same size so its overhead does not touch the timings).

    .venv/bin/python bench/import_bench.py                 # 500, 1000, 2000, 5000 rows
    .venv/bin/python bench/import_bench.py --sizes 500 5000
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_csv(rows: int, today: date) -> bytes:
    from portal.bulk.student_rows import COLUMNS, example_row

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")  # as Dutch Excel writes
    writer.writerow(COLUMNS)
    base = example_row(today)
    for n in range(rows):
        row = dict(base)
        name = "".join("abcdefghij"[int(d)] for d in str(n)).capitalize()
        row.update(surname=f"Student {name}", passport_number=f"BN{n:07d}", email=f"s{n}@x.nl")
        writer.writerow([row[c] for c in COLUMNS])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()


def child(rows: int, database_url: str, trace: bool) -> dict:
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from portal import clock, create_app
    from portal.bulk import storing, student_import
    from portal.extensions import db
    from portal.models import (
        Application,
        Category,
        ImportBatch,
        Membership,
        Organisation,
        OrganisationKind,
        OrgRole,
        Person,
        Recognition,
        RecognitionStatus,
        User,
    )
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        org = Organisation(
            kvk_number="12345678",
            legal_name="Universiteit van Bench",
            street_address="Campuslaan 1",
            postcode="1234 AB",
            city="Utrecht",
            country="NL",
            email="io@bench.example",
            persons_employed=5000,
            kind=OrganisationKind.HIGHER_EDUCATION,
            preferred_language="en",
        )
        user = User(email="bench@bench.example", name="Bench", password_hash="x")
        db.session.add_all([org, user])
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=org.id, role=OrgRole.SUBMITTER))
        db.session.add(
            Recognition(
                organisation_id=org.id,
                category=Category.STUDY,
                status=RecognitionStatus.GRANTED,
                granted_on=date(2025, 1, 1),
            )
        )
        db.session.commit()
        data = make_csv(rows, clock.today())
        baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        timings = {}
        with app.test_request_context("/"):
            started = time.perf_counter()
            batch = student_import.create_batch(org, user, "bench.csv", data)
            db.session.commit()
            timings["read_and_store"] = time.perf_counter() - started
            mark = time.perf_counter()
            student_import.check_batch(batch.id)
            timings["check"] = time.perf_counter() - mark
            mark = time.perf_counter()
            student_import.confirm(batch, user)
            db.session.commit()
            storing.import_batch(batch.id, user.id)
            timings["import"] = time.perf_counter() - mark
            timings["total"] = time.perf_counter() - started
        peak_traced = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        batch = db.session.get(ImportBatch, batch.id)
        assert batch.status.value == "imported", (batch.status, batch.failure)
        assert batch.error_rows == 0
        people = db.session.scalar(select(func.count()).select_from(Person))
        applications = db.session.scalar(select(func.count()).select_from(Application))
        assert people == applications == rows, (people, applications)
        return {
            "rows": rows,
            "bytes": len(data),
            "seconds": {k: round(v, 2) for k, v in timings.items()},
            "rss_growth_mib": round((peak_kib - baseline_kib) / 1024, 1),
            "rss_peak_mib": round(peak_kib / 1024, 1),
            "traced_peak_mib": round(peak_traced / 2**20, 1) if trace else None,
            "database": db.engine.dialect.name,
        }


def run(rows: int, database_url: str | None, trace: bool) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench.db"
        command = [sys.executable, __file__, "--child", str(rows), "--database-url", url]
        if trace:
            command.append("--trace")
        out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 1000, 2000, 5000])
    parser.add_argument("--database-url")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database_url and "bench" not in args.database_url:
        parser.error("the database URL must contain 'bench': it is emptied")
    if args.child:
        print(json.dumps(child(args.child, args.database_url, args.trace)))
        return
    print(
        f"{'rows':>6} {'read s':>7} {'check s':>8} {'import s':>9} {'total s':>8} "
        f"{'s/1000':>7} {'RSS +MiB':>9} {'traced MiB':>11}"
    )
    for rows in args.sizes:
        timed = run(rows, args.database_url, trace=False)
        traced = run(rows, args.database_url, trace=True)
        s = timed["seconds"]
        print(
            f"{rows:>6} {s['read_and_store']:>7} {s['check']:>8} {s['import']:>9} "
            f"{s['total']:>8} {1000 * s['total'] / rows:>7.2f} {timed['rss_growth_mib']:>9} "
            f"{traced['traced_peak_mib']:>11}",
            flush=True,
        )
    print(f"database: {timed['database']}")


if __name__ == "__main__":
    main()
