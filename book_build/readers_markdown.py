"""MyST markdown to plain Jupyter markdown, one chapter at a time.

Part of :mod:`book_build.readers`.  :class:`Converter` rewrites the roles
(``{eq}``, ``{glue:text}``, ``{term}``, ``{doc}``, ``{ref}``, ``{numref}``,
``{cite}``) and directives (``{math}``, ``{exercise}``, admonitions, folded
boxes, margins) of one markdown cell into CommonMark with ``$``/``$$`` maths,
using the labels and numbers that :func:`book_build.readers_book.load_book`
collected.  Anything it does not know is a :class:`ReaderError`.
"""

from __future__ import annotations

import pathlib
import posixpath
import re

from .readers_book import (
    EXPLICIT_RE,
    FENCE_RE,
    HEADING_RE,
    OPTION_RE,
    PLAIN_FENCE_RE,
    ROLE_RE,
    TARGET_RE,
    Book,
    Label,
    ReaderError,
)

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
        if name in ADMONITIONS and "dropdown" in options.get("class", "").split():
            # a folded box ("Under the hood"): folded here too, in plain HTML
            title = self.inline(arg.strip() or name.capitalize())
            # markdown is not read inside <summary>: code spans become HTML
            title = re.sub(r"`([^`]+)`", r"<code>\1</code>", title)
            return [
                "<details>",
                f"<summary>{title}</summary>",
                "",
                self.block(body),
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
                if fence.startswith("`") and "`" in arg:
                    # CommonMark: the website would show the whole block raw
                    self.fail(f"a ``` fence's title cannot hold backticks: {arg!r}")
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
