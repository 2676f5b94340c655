"""Names in any script are printed on a letter, not as empty boxes.

DejaVu has Latin, Greek and Cyrillic, but no Chinese, Devanagari or Thai. WeasyPrint (Pango)
falls back per character to another installed font, so the letter fonts are DejaVu plus Noto
(fonts-noto-core) and Droid Sans Fallback (fonts-droid-fallback, for Chinese, Japanese and
Korean): .ci/run and the README install them.
"""

import io
import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from portal.letters.issuing import issue_letter
from portal.models import LetterKind
from tests.support.factories import member


def installed_families() -> str:
    if not shutil.which("fc-list"):
        return ""
    return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


NAMES = {
    "Chinese": ("李小龍", "Droid-Sans-Fallback"),
    "Devanagari": ("राम शर्मा", "Noto-Sans-Devanagari"),
    "Thai": ("สมชาย ใจดี", "Noto-Sans-Thai"),
}


@pytest.mark.parametrize("script", sorted(NAMES))
def test_a_name_in_another_script_is_drawn_with_a_font_that_has_it(script, app):
    families = installed_families()
    wanted = NAMES[script][1].replace("-", " ")
    if wanted not in families:
        if os.environ.get("CI"):
            pytest.fail(f"{wanted} is not installed: .ci/run installs it")
        pytest.skip(
            f"{wanted} is not installed (apt-get install fonts-noto-core fonts-droid-fallback)"
        )
    organisation = member().memberships[0].organisation
    name, font = NAMES[script]
    letter = issue_letter(
        organisation,
        LetterKind.GENERAL_MESSAGE,
        person={"given_names": name, "surname": "", "v_number": "1234567890"},
        title="About your employee",
        message="A message.",
    )
    assert font in embedded_fonts(letter.pdf)
    text = PdfReader(io.BytesIO(letter.pdf)).pages[0].extract_text().replace("\x00", "")
    assert name.split()[0] in text
