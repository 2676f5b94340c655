"""Fill untranslated entries of the Dutch catalogue from another copy of it.

After a merge conflict in messages.po: take main's version, run `make extract-messages`,
then `python scripts/po_fill.py /path/to/your-branch-messages.po` to bring back your
translations. Prints what is still missing.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

TARGET = Path(__file__).resolve().parent.parent / "portal/translations/nl/LC_MESSAGES/messages.po"


def _done(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and all(strings) and not message.fuzzy


def main(sources: list[str]) -> int:
    with TARGET.open("rb") as fh:
        catalogue = read_po(fh)
    for source in sources:
        with open(source, "rb") as fh:
            other = read_po(fh)
        for message in catalogue:
            if message.id and not _done(message):
                found = other.get(message.id)
                if found is not None and _done(found):
                    message.string = found.string
                    message.flags.discard("fuzzy")
    with TARGET.open("wb") as fh:
        write_po(fh, catalogue, omit_header=False, no_location=True, sort_output=True, width=76)
    missing = [m.id for m in catalogue if m.id and not _done(m)]
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
