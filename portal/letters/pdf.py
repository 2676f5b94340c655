"""The PDF boundary: HTML → archival, tagged PDF/A with WeasyPrint. Never touches the network."""

from functools import cache
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "letters"


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher

    document = HTML(
        string=html,
        base_url=str(TEMPLATES_DIR),
        url_fetcher=URLFetcher(allowed_protocols={"file", "data"}),
    )
    return document.write_pdf(font_config=_fonts(), pdf_variant="pdf/a-3b", pdf_tags=True)
