"""Sphinx extension: the theme's style sheets without the rules no page uses.

Listed in ``_config.yml`` under ``sphinx: local_extensions`` (build-only).
Every page loads the theme's CSS before it paints, and most of it is Bootstrap
and pydata-sphinx-theme rules for components this book never shows (0.31 MB of
the 0.41 MB a page waited for).  At the end of each build this keeps a rule
only if one of its selectors could match: each class and id the selector names
occurs as a word in a page of the site or in one of its scripts (a script
may add a class such as ``show`` or ``collapsing`` to the page later; the few
it builds from parts, such as Bootstrap's ``bs-tooltip-auto``, are kept by
prefix).  Tag,
attribute and pseudo-class selectors are kept (a class inside ``:not()`` does
not count), and so are ``@font-face``,
``@keyframes`` and every other at-rule apart from the ``@media``,
``@supports``, ``@layer`` and ``@container`` blocks, which are pruned inside.

The book's own style sheets (``book_build/_static``, ``book_utils/_static`` and
the generated ``book-*.css``) are left whole.  Sphinx copies the theme's files
only when they changed, so the unpruned original is kept beside the doctrees
and each build prunes from it, with the words of the pages as they are now.
"""

from __future__ import annotations

import hashlib
import pathlib
import re

import tinycss2
from sphinx.application import Sphinx

ROOT = pathlib.Path(__file__).resolve().parents[1]
OWN = {
    p.name
    for d in ("book_utils/_static", "book_build/_static")
    for p in (ROOT / d).iterdir()
}
# a class or id in a selector: `.name` or `#name`, with CSS escapes
_NAMED = re.compile(r"([.#])((?:[A-Za-z0-9_-]|\\.)+)")
# `:not(.name)` matches where the class is absent: its names do not count
_NOT = re.compile(r":not\([^()]*\)")
# classes a script builds from parts, never written whole: Bootstrap's
# tooltips get `bs-${name}-auto`
KEEP_PREFIXES = ("bs-",)
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_BLOCKS = {"media", "supports", "layer", "container"}


def words(site: pathlib.Path) -> set[str]:
    """Every word of the site's pages and scripts (the search index aside)."""
    found: set[str] = set()
    files = [*site.rglob("*.html"), *(site / "_static").rglob("*.js")]
    for path in files:
        if path.name != "searchindex.js":
            found |= set(
                _WORD.findall(path.read_text(encoding="utf-8", errors="replace"))
            )
    return found


def _selectors(text: str) -> list[str]:
    """The selectors of a selector list: split at commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _may_match(prelude: list, used: set[str]) -> bool:
    for selector in _selectors(tinycss2.serialize(prelude)):
        names = [n for _, n in _NAMED.findall(_NOT.sub("", selector))]
        if all("\\" in n or n in used or n.startswith(KEEP_PREFIXES) for n in names):
            return True
    return False


def _prune(rules: list, used: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if _may_match(rule.prelude, used):
                kept.append(rule)
        elif (
            rule.type == "at-rule" and rule.lower_at_keyword in _BLOCKS and rule.content
        ):
            inner = _prune(
                tinycss2.parse_rule_list(rule.content, skip_comments=True), used
            )
            if any(r.type != "whitespace" for r in inner):
                rule.content = inner
                kept.append(rule)
        elif rule.type != "comment":
            kept.append(rule)
    return kept


def prune(css: str, used: set[str]) -> str:
    """`css` without the rules whose selectors name a class or id not in `used`."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(tinycss2.serialize([rule]).strip() for rule in _prune(rules, used))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prune_site(site: pathlib.Path, originals: pathlib.Path) -> None:
    """Prune every third-party style sheet of `site` in place."""
    used = words(site)
    vocabulary = _digest("\n".join(sorted(used)).encode())
    for sheet in sorted((site / "_static").rglob("*.css")):
        if sheet.name in OWN or sheet.name.startswith("book-"):
            continue
        rel = sheet.relative_to(site)
        original, stamp = originals / rel, originals / f"{rel}.pruned"
        now = _digest(sheet.read_bytes())
        # stamp: the digest of the pruned sheet and of what it was pruned from
        done = stamp.read_text().split() if stamp.exists() else []
        if not original.exists() or not done or now != done[0]:
            # Sphinx wrote a new copy of the theme's file (or a first build)
            original.parent.mkdir(parents=True, exist_ok=True)
            original.write_bytes(sheet.read_bytes())
        source = original.read_bytes()
        inputs = _digest(source) + vocabulary
        if done and now == done[0] and done[1:] == [inputs]:
            continue  # the same sheet pruned with the same words: nothing to do
        pruned = prune(source.decode("utf-8"), used).encode("utf-8")
        sheet.write_bytes(pruned)
        stamp.write_text(f"{_digest(pruned)} {inputs}")


def _prune_built_site(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        prune_site(
            pathlib.Path(app.outdir), pathlib.Path(app.doctreedir) / "css-originals"
        )


def setup(app: Sphinx) -> dict:
    # after the theme, which writes pygments.css at the end of the build
    app.connect("build-finished", _prune_built_site, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
