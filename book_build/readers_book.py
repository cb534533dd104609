"""The book as the reader notebooks see it: configuration, chapters, labels.

Part of :mod:`book_build.readers`.  :func:`load_book` reads ``_config.yml``
(the repository, the website's address), ``_toc.yml`` (the chapters and the
numbers the website gives them), ``references.bib`` (authors and years for
``{cite}``), the glossary page (its terms) and every chapter's markdown (the
titles, the ``(label)=`` targets, and the numbers of labelled equations and
exercises), so that a chapter's references can be written out in full.
"""

from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
READERS_DIR = "notebooks"

# The MyST syntax the reader notebooks' converter reads.
ROLE_RE = re.compile(r"\{([A-Za-z][\w:-]*)\}`([^`]*)`")
FENCE_RE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
PLAIN_FENCE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
TARGET_RE = re.compile(r"^\(([^()\s]+)\)=\s*$")
OPTION_RE = re.compile(r"^:([\w-]+):\s*(.*)$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_RE = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


class ReaderError(ValueError):
    """A chapter uses something the reader notebooks cannot express."""


# --------------------------------------------------------------------------
# The book: configuration, table of contents, labels


@dataclass
class Label:
    kind: str  # "eq", "exercise", "section", "chapter"
    doc: str  # docname, e.g. "chapters/01_probability_vs_likelihood"
    number: str = ""  # "1.2" for equations and exercises
    title: str = ""  # sections and chapters


@dataclass
class Book:
    root: pathlib.Path
    repo_url: str
    branch: str
    chapters: list[str]  # docnames of the numbered notebooks, in order
    numbers: dict[str, int]  # docname -> chapter number
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title
    labels: dict[str, Label] = field(default_factory=dict)
    citations: dict[str, tuple[str, str]] = field(default_factory=dict)
    site_url: str = ""  # html: baseurl: in _config.yml, where the website lives
    glossary: str | None = None  # the docname of the page with the {glossary}
    terms: dict[str, str] = field(default_factory=dict)  # lower case -> as defined

    def reader_path(self, doc: str) -> pathlib.Path:
        return self.root / READERS_DIR / (pathlib.PurePosixPath(doc).name + ".ipynb")


def read_config(root: pathlib.Path = ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text())


def repository(root: pathlib.Path = ROOT) -> tuple[str, str]:
    """(url, branch) of the book's repository: the one place it is written."""
    repo = read_config(root).get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch", "main")
    if not url:
        raise ReaderError("_config.yml has no `repository: url:`")
    return url.rstrip("/").removesuffix(".git"), branch


def install_spec(root: pathlib.Path = ROOT) -> str:
    """The pip requirement that installs book_utils from the repository."""
    url, branch = repository(root)
    return f"book_utils @ git+{url}.git@{branch}"


def toc_chapters(root: pathlib.Path = ROOT) -> tuple[list[str], dict[str, int]]:
    """Notebook docnames of the table of contents and the website's numbers.

    The website numbers the entries of the parts marked ``numbered: true``,
    in order, from 1 (one counter across parts, as sphinx-multitoc-numbering
    does).
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    chapters, numbers, counter = [], {}, 0

    def walk(entries, numbered):
        nonlocal counter
        for entry in entries:
            doc = entry.get("file")
            if doc is not None:
                if numbered:
                    counter += 1
                    numbers[doc] = counter
                if (root / f"{doc}.ipynb").exists():
                    chapters.append(doc)
            walk(entry.get("sections", []), numbered)

    for part in toc.get("parts", []):
        walk(part.get("chapters", []), bool(part.get("numbered")))
    walk(toc.get("chapters", []), bool(toc.get("numbered")))
    for doc in chapters:
        if doc not in numbers:
            raise ReaderError(f"{doc} is not in a numbered part of _toc.yml")
    return chapters, numbers


def _load_citations(root: pathlib.Path) -> dict[str, tuple[str, str]]:
    from pybtex.database import parse_file

    data = parse_file(str(root / "references.bib"))
    out = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.last_names) for p in people]
        last = [re.sub(r"[{}]", "", name) for name in last]
        if len(last) == 1:
            authors = last[0]
        elif len(last) == 2:
            authors = f"{last[0]} and {last[1]}"
        elif last:
            authors = f"{last[0]} et al."
        elif entry.fields.get("title"):
            # as the website names an entry without authors: by its title
            authors = "*" + re.sub(r"[{}]", "", entry.fields["title"]) + "*"
        else:
            authors = key
        out[key] = (authors, entry.fields.get("year", "n.d."))
    return out


def _markdown_sources(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def scan_labels(book: Book) -> None:
    """Titles, targets, equation and exercise numbers of every chapter."""
    for doc in book.chapters:
        nb = json.loads((book.root / f"{doc}.ipynb").read_text())
        n = book.numbers[doc]
        eq = ex = 0
        pending: list[str] = []
        for text in _markdown_sources(nb):
            lines = text.split("\n")
            i = 0
            while i < len(lines):
                stripped = lines[i].strip()
                target = TARGET_RE.match(stripped)
                fence = FENCE_RE.match(stripped)
                heading = HEADING_RE.match(stripped)
                if target:
                    pending.append(target.group(1))
                elif heading:
                    level, title = len(heading.group(1)), heading.group(2)
                    if level == 1 and doc not in book.titles:
                        book.titles[doc] = title
                    for label in pending:
                        kind = "chapter" if level == 1 else "section"
                        book.labels[label] = Label(kind, doc, title=title)
                    pending = []
                elif fence and fence.group("name") in ("math", "exercise"):
                    name = fence.group("name")
                    j = i + 1
                    label = None
                    while j < len(lines) and OPTION_RE.match(lines[j].strip()):
                        opt = OPTION_RE.match(lines[j].strip())
                        if opt.group(1) == "label":
                            label = opt.group(2).strip()
                        j += 1
                    if name == "math" and label:
                        eq += 1
                        book.labels[label] = Label("eq", doc, f"{n}.{eq}")
                    elif name == "exercise":
                        ex += 1
                        if label:
                            book.labels[label] = Label("exercise", doc, f"{n}.{ex}")
                elif stripped and pending and not heading:
                    # a target before something that is not a heading
                    for label in pending:
                        book.labels.setdefault(label, Label("other", doc))
                    pending = []
                i += 1


def toc_docs(root: pathlib.Path = ROOT) -> list[str]:
    """Every document of the table of contents, the root first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return docs


def load_book(root: pathlib.Path = ROOT) -> Book:
    url, branch = repository(root)
    chapters, numbers = toc_chapters(root)
    book = Book(root, url, branch, chapters, numbers)
    book.site_url = ((read_config(root).get("html") or {}).get("baseurl") or "").strip()
    for doc in toc_docs(root):
        page = root / f"{doc}.md"
        if page.exists():
            text = page.read_text()
            heading = re.search(r"^# +(.+?)\s*$", text, re.M)
            if heading:
                book.titles[doc] = heading.group(1)
            block = re.search(
                r"^(`{3,}|:{3,})\{glossary\}.*?\n(.*?)^\1", text, re.M | re.S
            )
            if block:
                book.glossary = doc
                for line in block.group(2).split("\n"):
                    # a term is an unindented line (its definition is indented)
                    if (
                        line.strip()
                        and not line[0].isspace()
                        and not line.startswith(":")
                    ):
                        book.terms[line.strip().lower()] = line.strip()
    scan_labels(book)
    book.citations = _load_citations(root)
    return book
