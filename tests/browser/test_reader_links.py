"""The built website and the reader notebooks agree (plain HTML checks, no browser).

Every chapter page's download button offers its reader notebook (served by
the site), its Colab and Binder buttons open ``notebooks/NN_name.ipynb`` in the
repository and branch of ``_config.yml``, and the reader notebook numbers its
equations and exercises as the page does.  Needs the built book (``make book``).
"""

from __future__ import annotations

import html
import json
import re

import pytest
from sitetools import ROOT, SITE

from book_build import readers

BOOK = readers.load_book(ROOT)


def _page(doc: str) -> str:
    path = SITE / f"{doc}.html"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make book` first")
    return path.read_text()


def _hrefs(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]


@pytest.mark.parametrize("doc", BOOK.chapters)
def test_download_colab_and_binder_lead_to_the_reader_notebook(doc):
    text = _page(doc)
    name = BOOK.reader_path(doc).name
    owner_repo = BOOK.repo_url.split("://", 1)[1].split("/", 1)[1]
    hrefs = _hrefs(text)
    colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/")]
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/")]
    assert colab == [
        f"https://colab.research.google.com/github/{owner_repo}/blob/"
        f"{BOOK.branch}/notebooks/{name}"
    ]
    assert binder == [
        f"https://mybinder.org/v2/gh/{owner_repo}/{BOOK.branch}"
        f"?urlpath=lab/tree/notebooks/{name}"
    ]
    ipynb = [h for h in hrefs if h.endswith(".ipynb") and "://" not in h]
    assert ipynb == [f"../notebooks/{name}"]
    served = SITE / "notebooks" / name
    assert served.read_text() == BOOK.reader_path(doc).read_text(), (
        "the site's download differs from notebooks/: run `make readers`"
    )


@pytest.mark.parametrize("doc", BOOK.chapters)
def test_the_reader_notebook_numbers_equations_and_exercises_as_the_page(doc):
    text = _page(doc)
    # the page's own content, without the navigation (which numbers every chapter)
    text = text[text.index("<article") : text.index("</article>")]
    nb = json.loads(BOOK.reader_path(doc).read_text())
    md = "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    page_eqs = re.findall(r'<span class="eqno">\(([\d.]+)\)', text)
    assert re.findall(r"\\tag\{([\d.]+)\}", md) == page_eqs
    page_exercises = re.findall(r'class="caption-number">Exercise ([\d.]+) ', text)
    assert re.findall(r"\*\*Exercise ([\d.]+)\.\*\*", md) == page_exercises
    page_sections = re.findall(r'<span class="section-number">([\d.]+)\. </span>', text)
    prose = re.sub(r"^(`{3,}).*?^\1", "", md, flags=re.M | re.S)  # not code
    headings = re.findall(r"^#{1,6} ([\d.]+)\. ", prose, re.M)
    assert headings == page_sections


def test_every_term_the_chapters_use_has_its_anchor_in_the_built_glossary():
    # the anchors of the glossary links the reader notebooks get once
    # `html: baseurl:` is set
    page = (SITE / f"{BOOK.glossary}.html").read_text()
    ids = set(re.findall(r'id="([^"]+)"', page))
    terms = set()
    for doc in BOOK.chapters:
        nb = json.loads((ROOT / f"{doc}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                for content in re.findall(
                    r"\{term\}`([^`]*)`", "".join(cell["source"])
                ):
                    explicit = re.match(r"^.*<([^<>]+)>$", content, re.S)
                    terms.add(explicit[1] if explicit else content)
    assert terms
    url = {t: readers.term_url(BOOK, t) for t in terms}
    assert all(u is None for u in url.values()) == (not BOOK.site_url)
    missing = {
        t for t in terms if readers.term_anchor(BOOK.terms.get(t.lower(), t)) not in ids
    }
    assert not missing
