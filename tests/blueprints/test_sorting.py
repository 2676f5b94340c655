"""Lists sorted in Python sort as readers expect (portal/collation.py, the Unicode Collation
Algorithm): "Åland Islands" among the A's, not after "Zimbabwe", in English and in Dutch."""

import pytest

from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page


@pytest.mark.parametrize(
    ("language", "aland", "before", "after"),
    [
        ("en", "Åland Islands", "Afghanistan", "Albania"),
        ("nl", "Ålandseilanden", "Afghanistan", "Albanië"),
    ],
)
def test_countries_sort_with_accented_names_among_their_letter(
    client, language, aland, before, after
):
    client.get(f"/language/{language}")
    sign_in(client, member())
    page = get_page(client, "/people/new")
    names = [o.get_text(strip=True) for o in page.soup.find(id="nationality").find_all("option")]
    assert names.index(before) < names.index(aland) < names.index(after)
    assert names[-1] == ("Zwitserland" if language == "nl" else "Zimbabwe")
