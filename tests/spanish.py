"""What the Spanish tests (#19) share besides their fixtures (``spanish_homework``,
``sam_es``, ``alex_en`` in ``tests/conftest.py``): a page checked to be in Spanish, and
words near a field."""

from __future__ import annotations

from tests.conftest import text_of


def spanish_page(response) -> str:
    """The visible text of a page that must be a Spanish one."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    assert '<html lang="es"' in html
    return text_of(response)


def near(html: str, anchor: str, words: str, span: int = 400) -> bool:
    """Is ``words`` within ``span`` characters after ``anchor`` (a message beside its field)?"""
    at = html.index(anchor)
    return words in html[at : at + span]
