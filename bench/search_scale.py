"""Inbox search at scale (issue 21): 1,000,000 letters (tiny placeholder PDFs, each its own blob)
among 200 organisations, one of which holds 50,000; `EXPLAIN ANALYZE` of the inbox's own
queries (portal/letters/inbox.py `filtered`, first page of 25) for that organisation:

  - a rare word (in 100 letters),
  - a word in every letter (the newest 25 of 50,000 matches),
  - a letter reference (BR-XXXX-XXXX, typed whole; and its start, BR-XXXX),
  - a name prefix (the person filter, the start of a surname).

Goal: each ≤ 50 ms at the database. PostgreSQL only (the trigram and full-text indexes are
PostgreSQL's; SQLite keeps its bounded scan). Seeded with INSERT … SELECT generate_series, so
the seeding takes minutes, not hours.

    createdb -h 127.0.0.1 -U postgres bench      # the URL must contain "bench": it is emptied
    .venv/bin/python bench/search_scale.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/search_scale.py --database-url ... --keep   # measure again, no seeding
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGANISATIONS = 200
BIG_EVERY = 20  # letter i belongs to the big organisation when i % 20 == 0: 50,000 of 1,000,000
RARE_EVERY = 10_000  # the rare word: in letters i % 10,000 == 0 (100, all the big one's)
RARE_WORD = "zeldzaamheid"
COMMON_WORD = "immigratiedienst"
# The letter-reference alphabet (portal/letters/issuing.py): 31 characters.
ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"
SURNAMES = (  # noqa: SIM905 - a list of names reads best as one
    "Tanaka Nakamura Yamamoto Kobayashi Watanabe Suzuki Takahashi Ito Sato Kato "
    "Okafor Adeyemi Mensah Kamau Otieno Mwangi Diallo Traore Ndiaye Haddad "
    "Garcia Fernandez Rodriguez Martinez Lopez Gonzalez Perez Sanchez Ramirez Torres "
    "Kowalski Nowak Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski Dabrowski "
    "Kozlowski Ivanova Petrov Smirnov Kuznetsov Popov Sokolov Lebedev Novikov Morozov "
    "Volkov Chen Wang Zhang Liu Yang Huang Zhao Zhou Xu Sun Patel Sharma Singh Kumar Gupta "
    "Mehta Reddy Nair Iyer Rao Murphy Kelly Byrne Walsh Ryan Schmidt Schneider Fischer "
    "Weber Meyer Wagner Becker Schulz Hoffmann Koch Rossi Russo Ferrari Esposito Bianchi "
    "Romano Colombo Ricci Marino Greco Silva Santos Oliveira Souza Pereira Costa Almeida"
).split()
GIVEN = "Aiko Kenji Amara Chidi Lucia Mateo Anna Piotr Olga Wei Priya Sean Lena Marco Ana".split()  # noqa: SIM905
# Names are surname × a numbered suffix, so a surname's start is rare: 1 letter in ~100·N.
SUFFIXES = 50


def reference_sql(i: str) -> str:
    """SQL: letter `i`'s reference, unique (i times a prime, modulo 31^8, in base 31)."""
    n = f"(({i}::bigint * 1000003) % 852891037441)"
    chars = [f"substr('{ALPHABET}', (({n} / {31**k}) % 31)::int + 1, 1)" for k in range(8)]
    return "'BR-' || " + " || ".join(chars[:4]) + " || '-' || " + " || ".join(chars[4:])


def reference_of(i: int) -> str:
    n = (i * 1000003) % 852891037441
    chars = [ALPHABET[(n // 31**k) % 31] for k in range(8)]
    return "BR-" + "".join(chars[:4]) + "-" + "".join(chars[4:])


def seed(connection, letters: int, big_id: int, others: list[int]) -> None:
    from sqlalchemy import text

    surnames = "ARRAY[" + ",".join(f"'{s}'" for s in SURNAMES) + "]"
    given = "ARRAY[" + ",".join(f"'{g}'" for g in GIVEN) + "]"
    others_sql = "ARRAY[" + ",".join(str(o) for o in others) + "]"
    started = time.perf_counter()
    connection.execute(
        text(
            "INSERT INTO blob (sha256, size_bytes, stored_in, content, created_at) "
            "SELECT encode(sha256(pdf), 'hex'), length(pdf), 'database', pdf, now() FROM ("
            " SELECT convert_to('%PDF-1.7 placeholder ' || i, 'UTF8') AS pdf"
            f" FROM generate_series(1, {letters}) AS i) AS placeholder"
        )
    )
    print(f"  blobs:   {time.perf_counter() - started:6.1f} s", flush=True)
    started = time.perf_counter()
    surname = f"({surnames})[1 + (i / 7) % {len(SURNAMES)}]"
    person = (
        f"({given})[1 + i % {len(GIVEN)}] || ' ' || {surname}"
        f" || CASE WHEN (i / 3) % {SUFFIXES} = 0 THEN '' ELSE '-' || ((i / 3) % {SUFFIXES}) END"
    )
    subject = (
        "(ARRAY['Decision on your application','Request for information',"
        "'Fee letter','Acknowledgement of receipt'])[1 + i % 4] || ' ' || (i % 9973)"
    )
    body = (
        f"'Dear sponsor, the {COMMON_WORD} writes to you about ' || {person} || "
        f"'. Reference ' || {reference_sql('i')} || ', case ' || (i % 99991) || '.'"
        f" || CASE WHEN i % {RARE_EVERY} = 0 THEN ' {RARE_WORD}' ELSE '' END"
    )
    connection.execute(
        text(
            "INSERT INTO letter (reference, organisation_id, kind, category, person_name,"
            " subject, language, issued_at, body_text, sha256, search_vector) "
            f"SELECT {reference_sql('i')},"
            f" CASE WHEN i % {BIG_EVERY} = 0 THEN {big_id}"
            f"  ELSE ({others_sql})[1 + i % {len(others)}] END,"
            " (ARRAY['general_message','request_for_information','fee_letter',"
            "  'acknowledgement'])[1 + i % 4], 'study', person, subject,"
            " 'en', timestamptz '2022-01-01 00:00+00' + i * interval '2 minutes', body,"
            " encode(sha256(convert_to('%PDF-1.7 placeholder ' || i, 'UTF8')), 'hex'),"
            " to_tsvector('simple', regexp_replace(subject || ' ' || body, '[\\W_]+', ' ', 'g'))"
            f" FROM (SELECT i, {person} AS person, {subject} AS subject, {body} AS body"
            f" FROM generate_series(1, {letters}) AS i) AS seeded"
        )
    )
    print(f"  letters: {time.perf_counter() - started:6.1f} s", flush=True)
    started = time.perf_counter()
    connection.execute(text("VACUUM (ANALYZE) letter"))
    connection.execute(text("VACUUM (ANALYZE) blob"))
    print(f"  vacuum:  {time.perf_counter() - started:6.1f} s", flush=True)


def explain(connection, query, repeat: int) -> tuple[float, float, int, list[str]]:
    """Median execution and planning ms over `repeat` runs, rows returned, the plan's lines.

    The statement and parameters are caught on their way to the driver, so EXPLAIN sees
    exactly what the portal sends (psycopg binds the parameters server-side)."""
    from sqlalchemy import event

    sent = []

    def catch(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", catch)
    try:
        rows = len(connection.execute(query).all())
    finally:
        event.remove(connection, "before_cursor_execute", catch)
    statement, parameters = sent[-1]
    executions, plannings, lines = [], [], []
    for _ in range(repeat):
        explained = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        )
        lines = [row[0] for row in explained]
        text_plan = "\n".join(lines)
        executions.append(float(re.search(r"Execution Time: ([\d.]+)", text_plan)[1]))
        plannings.append(float(re.search(r"Planning Time: ([\d.]+)", text_plan)[1]))
    return statistics.median(executions), statistics.median(plannings), rows, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="measure the seeded database again")
    parser.add_argument("--plans", action="store_true", help="print every query plan")
    args = parser.parse_args()
    if "bench" not in args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("a PostgreSQL URL containing 'bench' (it is emptied)")
    os.environ["DATABASE_URL"] = args.database_url
    run(args)


def run(args) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from portal import create_app
    from portal.extensions import db
    from portal.letters import inbox
    from portal.models import Membership, Organisation, OrganisationKind, OrgRole, User
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if not args.keep:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            upgrade(directory=str(MIGRATIONS_DIR))
            orgs = [
                Organisation(
                    kvk_number=f"{20000000 + n}",
                    legal_name=f"Bench University {n}",
                    street_address="Campuslaan 1",
                    postcode="1234 AB",
                    city="Utrecht",
                    country="NL",
                    email=f"o{n}@bench.example",
                    persons_employed=10,
                    kind=OrganisationKind.HIGHER_EDUCATION,
                )
                for n in range(ORGANISATIONS)
            ]
            user = User(email="bench@bench.example", name="Bench", password_hash="x")
            db.session.add_all([user, *orgs])
            db.session.flush()
            db.session.add(
                Membership(user_id=user.id, organisation_id=orgs[0].id, role=OrgRole.ADMINISTRATOR)
            )
            db.session.commit()
            print(f"Seeding {args.letters:,} letters ({args.letters // BIG_EVERY:,} for one):")
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                seed(c, args.letters, orgs[0].id, [o.id for o in orgs[1:]])
        big = db.session.scalar(select(Organisation).order_by(Organisation.id))
        user = db.session.scalar(select(User).where(User.email == "bench@bench.example"))
        counts = db.session.execute(
            text("SELECT count(*), count(*) FILTER (WHERE organisation_id = :big) FROM letter"),
            {"big": big.id},
        ).one()
        print(f"\n{counts[0]:,} letters, {counts[1]:,} of them {big.legal_name}'s")
        reference = reference_of(BIG_EVERY * max(1, counts[1] // 2))  # the big one's
        surname_start = SURNAMES[40][:5]
        cases = [
            (f"rare word '{RARE_WORD}'", inbox.InboxFilter(query=RARE_WORD)),
            (f"word in every letter '{COMMON_WORD}'", inbox.InboxFilter(query=COMMON_WORD)),
            (f"letter reference {reference}", inbox.InboxFilter(query=reference)),
            (f"letter reference start {reference[:7]}", inbox.InboxFilter(query=reference[:7])),
            (f"name prefix '{surname_start}'", inbox.InboxFilter(person=surname_start)),
        ]
        print(f"\n{'query (first page, 25 newest)':<48} {'rows':>5} {'exec ms':>8} {'plan ms':>8}")
        connection = db.session.connection()
        for label, f in cases:
            f.terms = inbox.search_terms(f.query)
            query = inbox.filtered(big.id, user.id, f).limit(inbox.PAGE_SIZE + 1)
            execution, planning, rows, lines = explain(connection, query, args.repeat)
            print(f"{label:<48} {rows:>5} {execution:>8.2f} {planning:>8.2f}", flush=True)
            if args.plans:
                print("    " + "\n    ".join(lines) + "\n")


if __name__ == "__main__":
    main()
