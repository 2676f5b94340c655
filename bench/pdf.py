"""Time to issue one letter: the Jinja template rendered, WeasyPrint's PDF/A, the row stored.

    .venv/bin/python bench/pdf.py [--letters 60]

Runs on a throwaway SQLite database with the demo data, issuing letters of every kind through
`portal.letters.issuing.issue_letter` (what the portal does when it decides or acknowledges),
and the WeasyPrint part (`render_pdf`) inside it. The first letter (font loading) is
not counted (the demo data has loaded the fonts). Prints figures, no pass/fail.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"| {label} | {len(seconds)} | {statistics.mean(seconds) * 1000:.0f} | "
        f"{statistics.median(seconds) * 1000:.0f} | {p95 * 1000:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=60)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="portal-bench-pdf-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
    os.environ["PORTAL_ENV"] = "development"
    from flask_migrate import upgrade
    from sqlalchemy import select

    from portal import create_app
    from portal.demo import load
    from portal.extensions import db
    from portal.letters import issuing as letters
    from portal.models import Application, LetterKind
    from portal.setup import MIGRATIONS_DIR

    # Time WeasyPrint inside issue_letter: the real function, wrapped with a clock.
    rendered: list[float] = []
    real_render_pdf = letters.render_pdf

    def timed_render_pdf(html: str) -> bytes:
        started = time.perf_counter()
        try:
            return real_render_pdf(html)
        finally:
            rendered.append(time.perf_counter() - started)

    letters.render_pdf = timed_render_pdf

    app = create_app("development")
    with app.app_context(), app.test_request_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        load()
        db.session.commit()
        application = db.session.scalar(select(Application).order_by(Application.id))
        organisation = application.organisation
        kinds = [
            (LetterKind.ACKNOWLEDGEMENT, {}),
            (LetterKind.RECOGNITION_GRANTED, {"reason": "The conditions are met."}),
            (LetterKind.RECOGNITION_REFUSED, {"reason": "The conditions are not met."}),
        ]
        rendered.clear()  # the demo letters warmed the process up (fonts loaded)

        issued, sizes = [], []
        for index in range(args.letters):
            kind, context = kinds[index % len(kinds)]
            started = time.perf_counter()
            letter = letters.issue_letter(organisation, kind, application=application, **context)
            issued.append(time.perf_counter() - started)
            sizes.append(len(letter.pdf))
        db.session.rollback()

    shutil.rmtree(folder, ignore_errors=True)
    print(f"PDF size: median {statistics.median(sizes) / 1024:.0f} KiB")
    print("| What | Letters | Mean ms | Median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    print(summary("issue_letter: template, PDF/A, stored", issued))
    print(summary("of which WeasyPrint (render_pdf)", rendered))


if __name__ == "__main__":
    main()
