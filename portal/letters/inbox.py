"""The inbox as a query over letters: filters, search, keyset pages, unread counts, ZIP export.

Every query starts from the organisation: nobody sees another organisation's letters.
Keyset pagination walks (organisation_id, [filter column,] issued_at, id) indexes newest first,
so a page costs the same at letter 50 and at letter 50,000.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import defer

from portal import clock, dates
from portal.cases.references import parse_reference
from portal.csv_io import neutralise
from portal.extensions import db
from portal.inputs import parse_id
from portal.letters import status as letter_status
from portal.letters import unread
from portal.models import Application, Letter, LetterKind, LetterRead

PAGE_SIZE = 25
MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 8
ZIP_MAX_LETTERS = 1000


@dataclass
class InboxFilter:
    kind: LetterKind | None = None
    category: str | None = None
    person: str | None = None
    application: Application | None = None
    period_from: date | None = None
    period_to: date | None = None
    needs_action: bool = False
    unread_only: bool = False
    query: str = ""
    terms: list[str] = field(default_factory=list)


def search_terms(text: str) -> list[str]:
    """Words to look for: letters and digits only, lower case, bounded in number and length."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    words = re.findall(r"[^\W_]+", text.lower())
    return [w[:60] for w in words][:MAX_SEARCH_TERMS]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A letter's own reference as typed, whole or its start: "BR-7KQ2-M9XD", "br 7kq2", "BR-7KQ2M"
# (the dash or space after BR: "brands" is a word).
_LETTER_REFERENCE = re.compile(r"BR-([A-HJ-NP-Z2-9]{4})(?:-?([A-HJ-NP-Z2-9]{1,4}))?")


def reference_clause(text: str):
    """A letter reference or a case reference typed as the search: the letter (or the letters
    starting so) or the case's letters, found by index (trigram on PostgreSQL); else None."""
    typed = re.sub(r"\s+", "-", (text or "").strip().upper())[:40]
    match = _LETTER_REFERENCE.fullmatch(typed)
    if match is not None:
        start = "BR-" + match[1] + ("-" + match[2] if match[2] else "")
        if len(start) == len("BR-XXXX-XXXX"):
            return Letter.reference == start  # whole: its unique index
        return Letter.reference.like(_like_escape(start) + "%", escape="\\")
    case = parse_reference(typed)
    if case is not None:
        return Letter.application_id.in_(
            select(Application.id).where(Application.reference == case)
        )
    return None


def person_clause(person: str):
    """The person filter: a V-number (digits) exactly, else part of the name as addressed
    (ILIKE: a trigram index answers it on PostgreSQL; lower(...) LIKE on SQLite)."""
    digits = person.replace(" ", "")
    if digits.isdigit():
        return Letter.v_number == digits
    pattern = f"%{_like_escape(person[:MAX_QUERY_LENGTH])}%"
    return Letter.person_name.ilike(pattern, escape="\\")


def _search_clause(text: str, terms: list[str]):
    by_reference = reference_clause(text)
    if by_reference is not None:
        return by_reference
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return Letter.search_vector.op("@@")(func.to_tsquery("simple", tsquery))
    clauses = []
    for term in terms:
        pattern = f"%{_like_escape(term)}%"
        clauses.append(
            or_(
                func.lower(Letter.subject).like(pattern, escape="\\"),
                func.lower(Letter.body_text).like(pattern, escape="\\"),
            )
        )
    return and_(*clauses)


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.AMSTERDAM)


def filtered(organisation_id: int, user_id: int, f: InboxFilter, scope=None):
    """Letters of one organisation matching the filter, newest first, with is_read.

    `scope`: who may see which letter (portal/letters/visibility.clause); None: all of them."""
    # Read state by a left join on letter_read's key (letter_id, user_id): one index probe per
    # letter on the page, however many letters the user has read.
    read_mark = and_(LetterRead.letter_id == Letter.id, LetterRead.user_id == user_id)
    query = (
        select(Letter, LetterRead.letter_id.is_not(None).label("is_read"))
        .outerjoin(LetterRead, read_mark)
        .where(Letter.organisation_id == organisation_id)
        .options(defer(Letter.body_text))
    )
    if scope is not None:
        query = query.where(scope)
    if f.kind is not None:
        query = query.where(Letter.kind == f.kind)
    if f.category:
        query = query.where(Letter.category == f.category)
    if f.person:
        query = query.where(person_clause(f.person))
    if f.application is not None:
        query = query.where(Letter.application_id == f.application.id)
    if f.period_from:
        query = query.where(Letter.issued_at >= local_day_start(f.period_from))
    if f.period_to:
        query = query.where(Letter.issued_at < local_day_start(f.period_to + timedelta(days=1)))
    if f.needs_action:
        # The to-do list's requests to answer are the same condition on the same letters
        # (letter_status.needing_action with visibility.clause; tests/blueprints/
        # test_needs_action_one_truth.py).
        query = query.where(letter_status.needs_action_clause(clock.today()))
    if f.unread_only:
        query = query.where(LetterRead.letter_id.is_(None))
    if f.terms:
        query = query.where(_search_clause(f.query, f.terms))
    return query.order_by(Letter.issued_at.desc(), Letter.id.desc())


def page(organisation_id: int, user_id: int, f: InboxFilter, cursor=None, scope=None):
    """One page of rows (letter, is_read) and the cursor of the next page, if any."""
    query = filtered(organisation_id, user_id, f, scope)
    if cursor:
        moment, letter_id = cursor
        # A row comparison, which the (organisation_id, issued_at, id) index answers directly.
        query = query.where(tuple_(Letter.issued_at, Letter.id) < (moment, letter_id))
    rows = db.session.execute(query.limit(PAGE_SIZE + 1)).all()
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1][0]
        next_cursor = f"{last.issued_at.isoformat()}~{last.id}"
    return rows, next_cursor


def parse_cursor(raw: str | None):
    """A keyset cursor 'issued_at_iso~id' for the page after a letter; None when garbled."""
    if not raw or "~" not in raw or len(raw) > 100:
        return None
    stamp, _, raw_id = raw.rpartition("~")
    letter_id = parse_id(raw_id)
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None or letter_id is None:
        return None
    if not dates.EARLIEST_YEAR <= moment.year <= dates.LATEST_YEAR:
        return None
    return moment, letter_id


def unread_by_category(organisation_id: int, user_id: int) -> dict[str | None, int]:
    """Unread letters per category (None: letters not about one case or category)."""
    return unread.by_category(organisation_id, user_id)


# --- ZIP downloads --------------------------------------------------------------------------


class TooManyLetters(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def zip_letter_ids(organisation_id: int, user_id: int, f: InboxFilter, scope=None) -> list[int]:
    """Ids of the letters matching the filter, newest first; at most ZIP_MAX_LETTERS."""
    query = filtered(organisation_id, user_id, f, scope).with_only_columns(Letter.id)
    ids = list(db.session.scalars(query.limit(ZIP_MAX_LETTERS + 1)))
    if len(ids) > ZIP_MAX_LETTERS:
        raise TooManyLetters(len(ids))
    return ids


def selected_letter_ids(organisation_id: int, ids: list[int], scope=None) -> list[int] | None:
    """The selected ids if every one is a letter of this organisation the user may see (the
    `scope` of portal/letters/visibility); None otherwise."""
    wanted = set(ids)
    if not wanted or len(wanted) > ZIP_MAX_LETTERS:
        return None
    query = select(Letter.id).where(
        Letter.organisation_id == organisation_id, Letter.id.in_(wanted)
    )
    if scope is not None:
        query = query.where(scope)
    found = set(db.session.scalars(query))
    if found != wanted:
        return None
    return sorted(found, reverse=True)


class _Sink(io.RawIOBase):
    """An unseekable stream the ZIP writer writes into; we hand out what it wrote."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


INDEX_HEADER = [
    "file",
    "letter_reference",
    "case_reference",
    "kind",
    "subject",
    "issued_at",
    "respond_by",
    "person",
    "v_number",
    "sha256",
]


def zip_stream(ids: list[int], batch: int = 20, progress=None):
    """Yield a ZIP of the letters' PDFs plus index.csv, a few letters in memory at a time;
    `progress(done)` after each batch (the large export's job commits its progress there)."""
    sink = _Sink()
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(INDEX_HEADER)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(ids), batch):
            letters = db.session.scalars(
                select(Letter)
                .where(Letter.id.in_(ids[start : start + batch]))
                .order_by(Letter.issued_at.desc(), Letter.id.desc())
            ).all()
            for letter in letters:
                day = clock.local_date(letter.issued_at).isoformat()
                name = f"{day}-{letter.kind.value}-{letter.id}.pdf"
                info = zipfile.ZipInfo(name, date_time=letter.issued_at.timetuple()[:6])
                archive.writestr(info, letter.pdf)
                writer.writerow(
                    [
                        neutralise(v)
                        for v in (
                            name,
                            letter.reference,
                            letter.application.reference if letter.application else "",
                            letter.kind.value,
                            letter.subject,
                            letter.issued_at.isoformat(),
                            letter.respond_by.isoformat() if letter.respond_by else "",
                            letter.person_name,
                            letter.v_number,
                            letter.sha256,
                        )
                    ]
                )
                yield sink.take()
            for letter in letters:
                db.session.expunge(letter)
            if progress is not None:
                progress(min(start + batch, len(ids)))
        archive.writestr("index.csv", index.getvalue().encode("utf-8-sig"))
    yield sink.take()
