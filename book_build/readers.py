"""Reader notebooks: each chapter as plain Jupyter reads it.

``chapters/NN_name.ipynb`` is written in MyST (``{math}`` blocks with labels,
``{eq}``, ``{glue:text}``, ``{term}``, ``{doc}``, ``{ref}``, ``{cite}`` roles,
``{exercise}`` and solution directives, ``(label)=`` targets), which only the
website's build understands.  JupyterLab, Notebook 7, VS Code and Colab show it
raw.  This module writes ``notebooks/NN_name.ipynb`` for every chapter that
``_toc.yml`` lists, whose markdown is CommonMark with ``$``/``$$`` maths:

* a labelled ``{math}`` block becomes ``$$ ... \\tag{N.k} $$``, numbered as the
  website numbers it (N: the chapter's number in ``_toc.yml``; k: the
  equation's place in its chapter); ``{eq}`` becomes "(N.k)";
* ``{glue:text}`name:fmt``` becomes the glued value formatted as the website
  formats it (myst-nb's own ``format_plain_text`` on the stored ``text/plain``);
* ``{term}`` becomes the term (a link into the website's glossary when
  ``html: baseurl:`` in ``_config.yml`` says where the website is), ``{doc}`` a link to the other reader notebook,
  ``{ref}`` the section's title (or "Exercise N.k"), ``{cite}`` "Author
  (Year)" from ``references.bib``; targets are dropped;
* an exercise becomes a bold "Exercise N.k" paragraph; its solution, prose and
  code, is folded into one ``<details>`` markdown cell, the code shown as a
  Python block with its printed output (plain Jupyter cannot fold code cells);
* admonitions and margins become block quotes;
* a first code cell installs ``book_utils`` from the repository named in
  ``_config.yml`` (``repository: url`` and ``branch``) when it is missing.

Code cells keep their source, outputs and tags (``hide-input`` also collapses
the cell's input in JupyterLab, as the website hides it).  Anything MyST that
this module does not know is an error, so a new construct cannot slip into the
reader notebooks unconverted.

Run ``python -m book_build.readers`` (``make readers``) to write them;
``python -m book_build.readers --check`` exits 1 when the committed ones are
out of date.
"""

from __future__ import annotations

import argparse
import copy
import json
import pathlib
import posixpath
import re
import sys
from dataclasses import dataclass, field

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
READERS_DIR = "notebooks"
INSTALL_TAG = "install-book-utils"

# Roles and directives this module converts; anything else in {braces} fails.
ROLES = {"eq", "glue:text", "term", "doc", "ref", "numref", "cite", "cite:p", "cite:t"}
ROLES |= {"math"}
ADMONITIONS = {
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
    "margin",
}
DIRECTIVES = {
    "math",
    "exercise",
    "solution-start",
    "solution-end",
    "solution",
    "dropdown",
}
DIRECTIVES |= ADMONITIONS

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
        else:
            authors = key
        out[key] = (authors, entry.fields.get("year", "n.d."))
    return out


def _markdown_sources(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _outside_fences(text: str):
    """Yield (line, inside_directive_name) for each line, tracking fences."""
    stack: list[tuple[str, str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        m = FENCE_RE.match(stripped)
        if m:
            stack.append((m.group("fence"), m.group("name")))
            yield line, None
            continue
        if stack and stripped == stack[-1][0]:
            stack.pop()
            yield line, None
            continue
        plain = PLAIN_FENCE_RE.match(stripped)
        if plain and not (stack and stack[-1][1] == "code"):
            stack.append((plain.group("fence"), "code"))
            yield line, None
            continue
        yield line, (stack[-1][1] if stack else "")


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


# --------------------------------------------------------------------------
# Markdown


def term_anchor(term: str) -> str:
    """The id Sphinx gives a glossary term (``term-Newton-Raphson-method``)."""
    from sphinx.util.nodes import _make_id

    return _make_id(f"term-{term}")


def term_url(book: Book, term: str) -> str | None:
    """The term in the website's glossary, when ``html: baseurl:`` says where."""
    if not (book.site_url and book.glossary):
        return None
    # Sphinx matches terms regardless of case; the anchor has the defined case
    term = book.terms.get(term.lower(), term)
    return f"{book.site_url.rstrip('/')}/{book.glossary}.html#{term_anchor(term)}"


def _glue_values(nb: dict) -> dict[str, str]:
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            prefix = scrap.get("mime_prefix", "")
            data = {k[len(prefix) :]: v for k, v in out.get("data", {}).items()}
            text = data.get("text/plain")
            if text is not None:
                values[scrap["name"]] = "".join(text)
    return values


class Converter:
    """Converts the markdown of one chapter."""

    def __init__(self, book: Book, doc: str, nb: dict):
        self.book, self.doc, self.nb = book, doc, nb
        self.glue = _glue_values(nb)
        self.sections: list[int] = []

    def heading(self, level: int, title: str) -> str:
        """A heading numbered as the website numbers it: 1., 1.1., 1.3.1."""
        if level == 1 or not self.sections:
            self.sections = [self.book.numbers[self.doc]]
        if level > 1:
            self.sections = self.sections[:level]
            while len(self.sections) < level:
                self.sections.append(0)
            self.sections[level - 1] += 1
        number = ".".join(str(k) for k in self.sections)
        return f"{'#' * level} {number}. {self.inline(title)}"

    def fail(self, message: str):
        raise ReaderError(f"{self.doc}: {message}")

    # -- roles ------------------------------------------------------------

    def _link_to(self, doc: str, text: str) -> str:
        if doc == self.doc:
            return text
        if doc in self.book.chapters:
            return f"[{text}]({self.book.reader_path(doc).name})"
        return text

    def _label(self, name: str) -> Label:
        label = self.book.labels.get(name)
        if label is None:
            self.fail(f"unknown label {name!r}")
        return label

    def role(self, match: re.Match) -> str:
        name, content = match.group(1), match.group(2)
        explicit = EXPLICIT_RE.match(content)
        text, target = (
            (explicit.group(1), explicit.group(2)) if explicit else (None, content)
        )
        target = target.strip()
        if name == "glue:text":
            from myst_nb.core.variables import format_plain_text

            key, _, spec = target.partition(":")
            if key not in self.glue:
                self.fail(f"no glued value {key!r}")
            return format_plain_text(self.glue[key], spec)
        if name == "math":
            return f"${content}$"
        if name == "eq":
            label = self._label(target)
            if label.kind != "eq":
                self.fail(f"{{eq}} of a {label.kind} label {target!r}")
            return self._link_to(label.doc, f"({label.number})")
        if name == "term":
            shown = text if text is not None else target
            url = term_url(self.book, target)
            return f"[{shown}]({url})" if url else shown
        if name == "doc":
            parent = pathlib.PurePosixPath(self.doc).parent
            doc = posixpath.normpath(posixpath.join(parent.as_posix(), target))
            doc = doc.removesuffix(".ipynb").removesuffix(".md")
            if doc not in self.book.titles and doc not in self.book.chapters:
                doc = target.lstrip("/")
            title = text if text is not None else self.book.titles.get(doc)
            if title is None:
                self.fail(f"{{doc}} of a page without a known title: {target!r}")
            return self._link_to(doc, title)
        if name in ("ref", "numref"):
            label = self._label(target)
            if label.kind == "exercise":
                shown = f"Exercise {label.number}"
            elif label.kind == "eq":
                shown = f"({label.number})"
            elif label.kind in ("section", "chapter"):
                if name == "numref":
                    self.fail("{numref} of a section is not supported yet")
                title = label.title
                shown = f"“{title}”" if label.kind == "section" else title
            else:
                self.fail(f"{{{name}}} of {target!r}, which is not a heading")
            if text is not None:
                shown = text.replace("{number}", label.number).replace(
                    "%s", label.number
                )
            return self._link_to(label.doc, shown)
        if name in ("cite", "cite:p", "cite:t"):
            parts = []
            for key in [k.strip() for k in target.split(",")]:
                if key not in self.book.citations:
                    self.fail(f"no entry {key!r} in references.bib")
                authors, year = self.book.citations[key]
                # as the website writes them (author_year): "Greene [2018]" for
                # {cite:t}, "[Greene, 2018]" for {cite}; with parentheses here
                parts.append(
                    f"{authors} ({year})" if name == "cite:t" else f"{authors}, {year}"
                )
            return "; ".join(parts) if name == "cite:t" else f"({'; '.join(parts)})"
        self.fail(
            f"the role {{{name}}} has no plain-markdown form (book_build.readers)"
        )

    def inline(self, text: str) -> str:
        return ROLE_RE.sub(self.role, text)

    # -- blocks -----------------------------------------------------------

    def directive(self, name: str, arg: str, options: dict, body: str) -> list[str]:
        """The markdown that replaces one directive (a list of lines)."""
        if name == "math":
            lines = [ln for ln in body.strip("\n").split("\n") if ln.strip()]
            label = options.get("label")
            if label:
                lines.append(f"\\tag{{{self._label(label).number}}}")
            return ["$$", *lines, "$$"]
        if name == "exercise":
            label = options.get("label")
            number = self._label(label).number if label else ""
            title = f"Exercise {number}" + (f" ({arg.strip()})" if arg.strip() else "")
            return [f"**{title}.**", "", *self.block(body).split("\n")]
        if name in ("solution", "dropdown"):
            if name == "solution":
                label = self._label(arg.strip()) if arg.strip() else None
                title = f"Solution to Exercise {label.number}" if label else "Solution"
            else:
                title = self.inline(arg.strip()) or "Details"
            body = self.block(body)
            return [
                "<details>",
                f"<summary>{title}</summary>",
                "",
                body,
                "",
                "</details>",
            ]
        if name in ADMONITIONS:
            title = arg.strip() or ("" if name == "margin" else name.capitalize())
            inner = self.block(body).split("\n")
            head = [f"**{self.inline(title)}**", ""] if title else []
            return [("> " + ln).rstrip() for ln in head + inner]
        self.fail(f"the directive {{{name}}} has no plain-markdown form")

    def block(self, text: str) -> str:
        """Convert a piece of markdown that holds no solution markers."""
        out: list[str] = []
        lines = text.split("\n")
        i = 0
        code_fence = None
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if code_fence:
                out.append(line)
                if stripped == code_fence:
                    code_fence = None
                i += 1
                continue
            m = FENCE_RE.match(stripped)
            if m:
                fence, name, arg = m.group("fence"), m.group("name"), m.group("arg")
                if name not in DIRECTIVES:
                    self.fail(f"the directive {{{name}}} has no plain-markdown form")
                if name in ("solution-start", "solution-end"):
                    self.fail("solution markers must be split off first")
                # a directive inside a list item is indented: so is its output
                indent = line[: len(line) - len(line.lstrip())]
                j, depth, body = i + 1, 0, []
                while j < len(lines):
                    s = lines[j].strip()
                    inner = FENCE_RE.match(s)
                    if inner and inner.group("fence") == fence:
                        depth += 1
                    elif s == fence:
                        if depth == 0:
                            break
                        depth -= 1
                    body.append(lines[j].removeprefix(indent))
                    j += 1
                else:
                    self.fail(f"unclosed {{{name}}} directive")
                options = {}
                while body and OPTION_RE.match(body[0].strip()):
                    opt = OPTION_RE.match(body.pop(0).strip())
                    options[opt.group(1)] = opt.group(2).strip()
                converted = self.directive(name, arg, options, "\n".join(body))
                out.extend((indent + ln).rstrip() for ln in converted)
                i = j + 1
                continue
            plain = PLAIN_FENCE_RE.match(stripped)
            if plain:
                code_fence = plain.group("fence")
                out.append(line)
                i += 1
                continue
            if TARGET_RE.match(stripped):
                i += 1
                if i < len(lines) and not lines[i].strip() and not out:
                    i += 1
                continue
            heading = HEADING_RE.match(stripped)
            if heading:
                out.append(self.heading(len(heading.group(1)), heading.group(2)))
                i += 1
                continue
            out.append(self.inline(line))
            i += 1
        return "\n".join(out).strip("\n")


# --------------------------------------------------------------------------
# Cells


SOLUTION_SPLIT = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\s*\{(?P<name>solution-start|solution-end)\}(?P<arg>.*)\n"
    r"(?P<opts>(?::[\w-]+:.*\n)*)(?P=fence)[ \t]*$",
    re.M,
)


def _pieces(nb: dict):
    """Cells, with markdown split at solution markers: (kind, payload)."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            yield "cell", cell
            continue
        text = "".join(cell["source"])
        pos = 0
        for m in SOLUTION_SPLIT.finditer(text + "\n"):
            if text[pos : m.start()].strip():
                yield "markdown", text[pos : m.start()]
            if m.group("name") == "solution-start":
                yield "solution-start", m.group("arg").strip()
            else:
                yield "solution-end", None
            pos = m.end()
        if text[pos:].strip():
            yield "markdown", text[pos:]


def _code_block(source: str, lang: str = "python") -> list[str]:
    fence = "```"
    while fence in source:
        fence += "`"
    return [f"{fence}{lang}", source.rstrip("\n"), fence]


def _text_outputs(cell: dict, doc: str) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            texts.append("".join(out["text"]))
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            other = set(data) - {"text/plain"}
            if other:
                raise ReaderError(
                    f"{doc}: a solution's code shows {sorted(other)}; the reader "
                    "notebooks fold only text outputs of solutions"
                )
            texts.append("".join(data.get("text/plain", "")) + "\n")
        elif kind == "error":
            texts.append("\n".join(out.get("traceback", [])) + "\n")
    return texts


def _markdown_cell(text: str, cell_id: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": {},
        "source": _split_source(text),
    }


def _split_source(text: str) -> list[str]:
    lines = text.split("\n")
    return [ln + "\n" for ln in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


HIDE = {
    "hide-input": {"source_hidden": True},
    "hide-output": {"outputs_hidden": True},
    "hide-cell": {"source_hidden": True, "outputs_hidden": True},
}


def _caught(cell: dict, doc: str) -> dict:
    """A cell that shows an error on purpose, made to print it instead.

    Jupyter's "Run All" stops at the first error, so the reader notebook
    wraps such a cell in ``try``/``except`` and stores the printed line
    ("ValueError: ...") that the wrapped code prints, from the stored error.
    """
    source = "".join(cell["source"]).rstrip("\n")
    if '"""' in source or "'''" in source:
        raise ReaderError(
            f"{doc}: cannot wrap a raises-exception cell with a string block"
        )
    errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
    if len(errors) != 1:
        raise ReaderError(f"{doc}: a raises-exception cell without one stored error")
    body = "\n".join(("    " + ln) if ln.strip() else "" for ln in source.split("\n"))
    code = (
        "# This cell shows an error on purpose; try/except lets Run All go on.\n"
        f"try:\n{body}\n"
        "except Exception as error:\n"
        '    print(f"{type(error).__name__}: {error}")'
    )
    outputs = [o for o in cell.get("outputs", []) if o["output_type"] != "error"]
    outputs.append(
        {
            "name": "stdout",
            "output_type": "stream",
            "text": [f"{errors[0]['ename']}: {errors[0]['evalue']}\n"],
        }
    )
    tags = [t for t in cell["metadata"].get("tags", []) if t != "raises-exception"]
    metadata = {**cell["metadata"], "tags": tags}
    if not tags:
        del metadata["tags"]
    return {
        **cell,
        "source": _split_source(code),
        "outputs": outputs,
        "metadata": metadata,
    }


def install_cells(book: Book) -> list[dict]:
    spec = install_spec(book.root)
    intro = (
        "**Running this notebook.** The code uses `book_utils`, the book's helper "
        "package. Run the next cell first: where `book_utils` is missing (Colab, "
        "a downloaded notebook) it installs it with pip from the book's "
        "repository; where it is installed (Binder, a clone of the repository) it "
        "does nothing."
    )
    code = (
        "# Install the book's helper package book_utils, only if it is missing.\n"
        "import importlib\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("book_utils") is None:\n'
        f'    requirement = "{spec}"\n'
        '    print("Installing", requirement)\n'
        "    subprocess.run(\n"
        '        [sys.executable, "-m", "pip", "install", "--quiet", requirement],\n'
        "        check=True,\n"
        "    )\n"
        "    importlib.invalidate_caches()\n"
        "else:\n"
        '    print("book_utils is installed: nothing to do.")'
    )
    return [
        _markdown_cell(intro, "reader-install-note"),
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "reader-install",
            "metadata": {"tags": [INSTALL_TAG]},
            "outputs": [],
            "source": _split_source(code),
        },
    ]


def reader_notebook(book: Book, doc: str) -> dict:
    """The reader notebook of one chapter (a dict in nbformat 4)."""
    source_path = book.root / f"{doc}.ipynb"
    nb = json.loads(source_path.read_text())
    conv = Converter(book, doc, nb)
    cells: list[dict] = []
    solution: list[str] | None = None
    solution_label = None
    inserted = False
    sol_count = 0
    for kind, payload in _pieces(nb):
        if kind == "solution-start":
            if solution is not None:
                conv.fail("a solution starts inside another")
            solution, solution_label = [], payload
            continue
        if kind == "solution-end":
            if solution is None:
                conv.fail("{solution-end} without {solution-start}")
            label = conv._label(solution_label) if solution_label else None
            summary = f"Solution to Exercise {label.number}" if label else "Solution"
            body = "\n\n".join(part.strip("\n") for part in solution if part.strip())
            text = f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"
            sol_count += 1
            cells.append(_markdown_cell(text, f"reader-solution-{sol_count}"))
            solution = None
            continue
        if kind == "markdown":
            md = conv.block(payload)
            if solution is not None:
                solution.append(md)
            elif md.strip():
                cells.append(_markdown_cell(md, f"reader-md-{len(cells)}"))
            continue
        cell = payload
        if cell["cell_type"] == "markdown":
            continue
        if solution is not None:
            if cell["cell_type"] != "code":
                continue
            part = _code_block("".join(cell["source"]))
            texts = _text_outputs(cell, doc)
            if texts:
                part += ["", "Output:", "", *_code_block("".join(texts), "text")]
            solution.append("\n".join(part))
            continue
        new = copy.deepcopy(cell)
        if new["cell_type"] == "code":
            if "raises-exception" in new.get("metadata", {}).get("tags", []):
                new = _caught(new, doc)
            tags = new.get("metadata", {}).get("tags", [])
            jupyter = {}
            for tag in tags:
                jupyter.update(HIDE.get(tag, {}))
            if jupyter:
                new["metadata"]["jupyter"] = jupyter
            if not inserted:
                cells.extend(install_cells(book))
                inserted = True
        cells.append(new)
    if solution is not None:
        conv.fail("a solution is never closed with {solution-end}")
    if not inserted:
        cells.extend(install_cells(book))
    # markdown cells take the id of their position: ids must be unique
    seen = set()
    for k, cell in enumerate(cells):
        if cell["id"] in seen:
            cell["id"] = f"reader-{k}"
        seen.add(cell["id"])
    metadata = copy.deepcopy(nb["metadata"])
    metadata["book"] = {
        "generated_from": f"{doc}.ipynb",
        "generated_by": "book_build.readers (make readers); do not edit by hand",
        "chapter": book.numbers[doc],
    }
    return {
        "cells": cells,
        "metadata": metadata,
        "nbformat": nb["nbformat"],
        "nbformat_minor": nb["nbformat_minor"],
    }


def dumps(nb: dict) -> str:
    """The file's text, formatted as Jupyter writes notebooks."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def expected_files(root: pathlib.Path = ROOT) -> dict[pathlib.Path, str]:
    """Every reader notebook's path and text, made from the chapters as they are."""
    book = load_book(root)
    return {
        book.reader_path(doc): dumps(reader_notebook(book, doc))
        for doc in book.chapters
    }


def write(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    files = expected_files(root)
    folder = root / READERS_DIR
    folder.mkdir(exist_ok=True)
    for stale in set(folder.glob("*.ipynb")) - set(files):
        stale.unlink()
    changed = []
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


def out_of_date(root: pathlib.Path = ROOT) -> list[str]:
    files = expected_files(root)
    folder = root / READERS_DIR
    problems = [
        f"{p.relative_to(root)} is missing or out of date"
        for p, text in files.items()
        if not p.exists() or p.read_text() != text
    ]
    problems += [
        f"{p.relative_to(root)} has no chapter"
        for p in sorted(set(folder.glob("*.ipynb")) - set(files))
    ]
    return problems


def copy_for_lab(dest: pathlib.Path, root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """Working copies of the reader notebooks for `make lab`, in ``dest``.

    Running a notebook in JupyterLab saves its outputs into the file; working on
    copies keeps the committed ``notebooks/`` as ``make readers`` made them.  A
    copy is (re)made when it is missing or older than its reader notebook (the
    chapter changed); otherwise the reader's own copy, with its edits, stays.
    """
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted((root / READERS_DIR).glob("*.ipynb")):
        target = dest / path.name
        if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
            target.write_bytes(path.read_bytes())
            copied.append(target)
    return copied


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument(
        "--lab-copy", metavar="DIR", help="also refresh working copies in DIR"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = out_of_date()
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("run `make readers`", file=sys.stderr)
        return 1 if problems else 0
    changed = write()
    for p in changed:
        print("wrote", p.relative_to(ROOT))
    if not changed:
        print(f"{READERS_DIR}/ is up to date")
    if args.lab_copy:
        for p in copy_for_lab(pathlib.Path(args.lab_copy)):
            print("copied", p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
