"""Sphinx extension: the book's maths as MathML, written at build time.

Listed in ``_config.yml`` under ``sphinx: local_extensions`` (build-only) and
chosen there as ``html_math_renderer: mathml``.  Every ``$…$``, ``$$…$$`` and
``{math}`` block becomes a ``<math>`` element (latex2mathml, pure Python), which
browsers lay out themselves: a page loads no MathJax (1.16 MB, then typesetting
on the reader's CPU; a phone took seconds) and shows its maths at first paint.
Sphinx's HTML around it is kept: ``span.math`` and ``div.math`` with the id that
``{eq}`` links to, and the equation number with its permalink.

The maths is set in STIX Two Math (the font ziamath ships, OFL), cut down at
the end of each build to the characters the site's maths uses
(``_static/book-math.woff``, about 65 kB; ``book.css`` names it): browsers lay
out MathML well only with a font that has an OpenType MATH table, which phones
and many desktops lack.

LaTeX that latex2mathml cannot convert, or converts leaving a command as text,
stops the build (``make book`` runs Sphinx with ``-W``) and names the equation.
"""

from __future__ import annotations

import html
import importlib.util
import pathlib
import re

from docutils import nodes
from fontTools import subset
from fontTools.ttLib import TTFont
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

# a TeX command left in the output: latex2mathml passed it through as text
_LEFT_OVER = re.compile(r"\\[A-Za-z]+")
# what latex2mathml writes for input it does not understand: an empty operator
# (\operatorname with a space inside), a bare alignment mark, a line break
# that Chrome ignores, an error
_BROKEN = ("<mo />", "<mi>&amp;</mi>", "<mi>&</mi>", "linebreak=", "<merror")
# \operatorname*{arg\,max}_{β}: latex2mathml knows no starred form; the same
# layout (the name upright, the subscript under it in display maths)
_OPERATOR_STAR = re.compile(
    r"\\operatorname\*\{([^{}]*)\}_(\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9])"
)
# \log, \exp, \max, …: latex2mathml writes <mi>log</mi>, which a browser sets
# tight against its neighbours; TeX puts a thin space on each side, except
# before an opening bracket
_FUNCTION = re.compile(
    r"<mi>(log|ln|exp|det|max|min|arg|sup|inf|lim)</mi>"
    r"(?=(<mo[^>]*>(?:\(|\[|&#x00028;|&#x0005B;))?)"
)
FONT = "book-math.woff"
# always in the font, so that a new formula's letters never fall back
_BASE = {*range(0x20, 0x7F), *range(0x391, 0x3AA), *range(0x3B1, 0x3CA)}


def mathml(tex: str, display: bool) -> str:
    """The ``<math>`` element for `tex`; ValueError naming `tex` if it fails."""
    source = _OPERATOR_STAR.sub(r"\\underset{\2}{\\mathrm{\1}}", tex.strip())
    try:
        out = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own exception types
        raise ValueError(f"cannot convert the maths {tex!r}: {error}") from error
    for bad in _BROKEN:
        if bad in out:
            raise ValueError(f"cannot convert the maths {tex!r}: {bad} in {out}")
    out = _FUNCTION.sub(_spaced, out)
    left = _LEFT_OVER.search(out)
    if left:
        raise ValueError(f"the maths {tex!r} keeps {left.group(0)!r} as text")
    # the TeX as the element's alternative text (copying, search, screen readers);
    # a display formula may scroll sideways on a phone, so the keyboard can reach it
    focus = 'tabindex="0" ' if display else ""
    return out.replace("<math ", f'<math {focus}alttext="{_attr(tex.strip())}" ', 1)


def _spaced(match: re.Match) -> str:
    after = "0" if match.group(2) else "0.1667em"
    return f'<mo lspace="0.1667em" rspace="{after}">{match.group(1)}</mo>'


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def _convert(self, node: nodes.Node, tex: str, display: bool) -> str:
    try:
        return mathml(tex, display)
    except ValueError as error:
        raise ExtensionError(f"{node.source}:{node.line}: {error}") from error


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_convert(self, node, node.astext(), display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # blank lines separate equations shown one under the other (book.css)
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    shown = "".join(_convert(self, node, part, display=True) for part in parts)
    if len(parts) > 1:
        shown = f'<span class="math-lines">{shown}</span>'
    self.body.append(shown + "</div>\n")
    raise nodes.SkipNode


def characters(html_text: str) -> set[int]:
    """The code points shown by the ``<math>`` elements of a page."""
    shown = set()
    for element in re.findall(r"<math\b.*?</math>", html_text, re.S):
        element = re.sub(r'alttext="[^"]*"', "", element)
        shown |= {ord(c) for c in html.unescape(re.sub(r"<[^>]+>", "", element))}
    return shown


def write_font(
    pages: list[pathlib.Path], out: pathlib.Path, stamp: pathlib.Path | None = None
) -> None:
    """STIX Two Math cut down to the characters of `pages`, as WOFF at `out`;
    left as it is if `stamp` says it already holds exactly those characters."""
    shown = set(_BASE)
    for page in pages:
        shown |= characters(page.read_text(encoding="utf-8"))
    key = " ".join(f"{c:x}" for c in sorted(shown))  # the characters it is cut to
    if stamp and out.exists() and stamp.exists() and stamp.read_text() == key:
        return
    # the file, found without importing ziamath (which loads fonts on import)
    package = pathlib.Path(importlib.util.find_spec("ziamath").origin).parent
    source = package / "fonts" / "STIXTwoMath-Regular.ttf"
    options = subset.Options()
    options.layout_features = ["*"]  # the MATH table's script-size variants
    options.flavor = "woff"
    font = TTFont(str(source))
    cutter = subset.Subsetter(options=options)  # keeps the glyphs' larger sizes
    cutter.populate(unicodes=shown)
    cutter.subset(font)
    font.flavor = "woff"
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    if stamp:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(key)


def _write_font(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        outdir = pathlib.Path(app.outdir)
        write_font(
            sorted(outdir.rglob("*.html")),
            outdir / "_static" / FONT,
            pathlib.Path(app.doctreedir) / "book-math.chars",
        )


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("build-finished", _write_font)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
