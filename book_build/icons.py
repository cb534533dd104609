"""Sphinx extension: the theme's icons as a few inline SVGs, not 1.5 MB of script.

Listed in ``_config.yml`` under ``sphinx: local_extensions`` (build-only).  The
theme (pydata-sphinx-theme, under sphinx-book-theme) draws its header icons
(menu, download, full screen, dark mode, search, ...) with ``fontawesome.js``,
a 1.49 MB script that holds every Font Awesome icon and turns each
``<i class="fa-solid fa-rocket">`` into an SVG when the page loads.  The book
uses about twenty of them.

When the build has finished, this extension finds the icon names the pages and
the theme's scripts use, takes those icons' outlines from the theme's own
``fontawesome.js`` and writes, in its place (same URL, so no page changes), a
small script that puts each outline inside its element.  Every page then loads
a few kilobytes instead of 1.49 MB.  An icon name that the theme's script does
not hold stops the build with an error, so a theme update cannot silently leave
a blank button.
"""

from __future__ import annotations

import json
import pathlib
import re

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

SCRIPT = pathlib.Path("_static", "scripts", "fontawesome.js")

# which icon set a class names; an element without one of these is "solid"
SET_OF_CLASS = {
    "fa-solid": "fas",
    "fas": "fas",
    "fa-regular": "far",
    "far": "far",
    "fa-brands": "fab",
    "fab": "fab",
}
# classes that change an icon's look, not its outline
MODIFIERS = {"fa-lg", "fa-fw", "fa-xs", "fa-sm", "fa-xl", "fa-2x", "fa-spin"}

_CLASS_ATTR = re.compile(r'class="([^"]*\bfa[a-z-]*\b[^"]*)"')
_NAME_IN_SCRIPT = re.compile(r"\bfa-([a-z0-9-]+)")
# one icon in the bundle: name:[width,height,[aliases],"unicode","path"]
_ENTRY = re.compile(
    r'(?:"([a-z0-9-]+)"|\b([a-z0-9]+)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+",'
    r'"([^"]+)"\]'
)
_SET_MARKER = re.compile(r'\("(fa[bsr])",')


def icons_used(outdir: pathlib.Path) -> set[tuple[str, str]]:
    """The (set, name) pairs the built pages ask for in their class names."""
    used: set[tuple[str, str]] = set()
    for page in outdir.rglob("*.html"):
        for attr in _CLASS_ATTR.findall(page.read_text(encoding="utf-8")):
            used |= _icons_of(attr.split())
    return {(s, n) for s, n in used if n not in _NOT_ICONS}


def icons_in_scripts(outdir: pathlib.Path, available: set) -> set[tuple[str, str]]:
    """Solid icons that the theme's own scripts add to pages as they run."""
    names: set[str] = set()
    for script in (outdir / "_static" / "scripts").glob("*.js"):
        if script.name != SCRIPT.name:
            names |= set(_NAME_IN_SCRIPT.findall(script.read_text(encoding="utf-8")))
    return {("fas", n) for n in names if ("fas", n) in available}


# fa- classes that are not icons
_NOT_ICONS = {m[3:] for m in MODIFIERS} | {"solid", "regular", "brands"}


def _icons_of(classes: list[str]) -> set[tuple[str, str]]:
    if not any(c.startswith("fa-") for c in classes) or not (
        set(classes) & set(SET_OF_CLASS) or any(c == "fa" for c in classes)
    ):
        return set()
    icon_set = next((SET_OF_CLASS[c] for c in classes if c in SET_OF_CLASS), "fas")
    return {
        (icon_set, c[3:])
        for c in classes
        if c.startswith("fa-") and c not in SET_OF_CLASS and c not in MODIFIERS
    }


def outlines(bundle: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    """Every icon in the theme's fontawesome.js: (set, name) -> (w, h, path)."""
    markers = [(m.start(), m.group(1)) for m in _SET_MARKER.finditer(bundle)]
    found: dict[tuple[str, str], tuple[int, int, str]] = {}
    for m in _ENTRY.finditer(bundle):
        # an icon belongs to the set registered right after its definition
        icon_set = next((s for pos, s in markers if pos > m.start()), None)
        if icon_set is None:
            continue
        name = m.group(1) or m.group(2)
        found.setdefault((icon_set, name), (int(m[3]), int(m[4]), m[5]))
    return found


_RUNTIME = """\
(() => {
  const icons = %(icons)s;
  const sets = %(sets)s;
  function draw(el) {
    if (el.querySelector(":scope > svg.svg-inline--fa")) return;
    const classes = Array.from(el.classList);
    const set = classes.map((c) => sets[c]).find(Boolean) || "fas";
    for (const c of classes) {
      const icon = icons[set + " " + c.slice(3)];
      if (!c.startsWith("fa-") || !icon) continue;
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "svg-inline--fa");
      svg.setAttribute("viewBox", "0 0 " + icon[0] + " " + icon[1]);
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", icon[2]);
      svg.appendChild(path);
      el.appendChild(svg);
      return;
    }
  }
  function drawAll(root) {
    root.querySelectorAll('[class*="fa-"]').forEach(draw);
  }
  function start() {
    drawAll(document);
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches('[class*="fa-"]')) draw(n);
        drawAll(n);
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""


# The theme's stylesheet also draws each icon as a glyph of Font Awesome's web
# fonts (a ::before), which fontawesome.js normally removes with its element.
# Here the element stays and holds the SVG, so the glyph is switched off, and
# the element's font is the page's: a font named on an element is fetched even
# when it draws nothing.  (The admonition titles' glyphs: admonition_css.)
CSS = """\
.fa::before, .fas::before, .far::before, .fab::before,
.fa-solid::before, .fa-regular::before, .fa-brands::before { content: none !important; }
.fa, .fas, .far, .fab, .fa-solid, .fa-regular, .fa-brands { font-family: inherit !important; }
.svg-inline--fa { display: inline-block; height: 1em; overflow: visible;
  vertical-align: -0.125em; fill: currentColor; }
.fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }
"""
CSS_FILE = "book-icons.css"


_GLYPH = re.compile(
    r'(?:"[a-z0-9-]+"|\b[a-z0-9]+):\[(\d+),(\d+),\[[^\]]*\],"([0-9a-f]+)","([^"]+)"\]'
)
# a code point written "\f0f3" or as the character itself (minified CSS)
_POINT = r'"(\\[0-9a-f]{4}|[\ue000-\uf8ff])"'
_ICON_VAR = re.compile(r"--pst-icon-([a-z-]+):\s*" + _POINT)
_ICON_ALIAS = re.compile(r"--pst-icon-([a-z-]+):\s*var\(--pst-icon-([a-z-]+)\)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CONTENT = re.compile(r"content:\s*(?:var\(--pst-icon-([a-z-]+)\)|" + _POINT + ")")


def _hex(point: str) -> str:
    return point[1:] if point.startswith("\\") else f"{ord(point):04x}"


def glyphs(bundle: str) -> dict[str, tuple[int, int, str]]:
    """The solid icons of the theme's fontawesome.js by their code point (the
    character the web font draws them for): hex -> (w, h, path)."""
    markers = [(m.start(), m.group(1)) for m in _SET_MARKER.finditer(bundle)]
    found: dict[str, tuple[int, int, str]] = {}
    for m in _GLYPH.finditer(bundle):
        icon_set = next((s for pos, s in markers if pos > m.start()), None)
        if icon_set == "fas":
            found.setdefault(m[3], (int(m[1]), int(m[2]), m[4]))
    return found


def _svg_url(icon: tuple[int, int, str]) -> str:
    w, h, path = icon
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'>"
        f"<path d='{path}'/></svg>"
    )
    return 'url("data:image/svg+xml,' + svg.replace("#", "%23") + '")'


def admonition_css(stylesheets: list[str], bundle: str) -> str:
    """CSS that draws the admonition titles' icons as SVG masks (in the
    title's colour) instead of glyphs of Font Awesome's solid web font, so
    that a page with an admonition no longer fetches that 156 kB font.

    The rules are the stylesheets' own: every ``admonition-title`` ``::after``
    (or ``::before``) rule that sets ``content`` to an icon (the theme's
    ``--pst-icon-*`` variables or a code point, as sphinx-exercise does) gets
    a rule with the same selectors, later in the page, that draws that icon
    with no text.  An icon the theme's script does not hold stops the build.
    """
    text = _COMMENT.sub("", "\n".join(stylesheets))
    points = {name: _hex(p) for name, p in _ICON_VAR.findall(text)}
    for _ in range(3):  # --pst-icon-admonition-note: var(--pst-icon-info-circle)
        for name, target in _ICON_ALIAS.findall(text):
            if target in points:
                points.setdefault(name, points[target])
    outlines_by_point = glyphs(bundle)
    rules = []
    for selectors, body in _RULE.findall(text):
        selectors = " ".join(selectors.split())
        if "admonition-title" not in selectors or "after" not in selectors + "before":
            continue
        base = "--fa-font-solid" in body
        m = _CONTENT.search(body)
        point = (points.get(m[1]) if m[1] else _hex(m[2])) if m else None
        if not base and point is None:
            continue
        decl = []
        if base:
            # where and how large the glyph was: 1em high, amid a line of the title
            decl.append(
                "font:inherit;height:1lh;background-color:currentColor;"
                "-webkit-mask:center/auto 1em no-repeat;mask:center/auto 1em no-repeat"
            )
        if point is not None:
            if point not in outlines_by_point:
                raise ExtensionError(
                    f"book_build.icons: no solid icon U+{point.upper()} for {selectors}"
                )
            url = _svg_url(outlines_by_point[point])
            decl.append(f'content:"";-webkit-mask-image:{url};mask-image:{url}')
        rules.append(f"{selectors}{{{';'.join(decl)}}}")
    return "\n".join(rules) + "\n"


_GLYPH_RULE = re.compile(r"([^{}]+)\{\s*content:\s*\"[^\"]*\"\s*\}")
_GLYPH_SELECTOR = re.compile(r"\.fa-[a-z0-9-]+:{1,2}(?:before|after)")
THEME_CSS = pathlib.Path("_static", "styles", "pydata-sphinx-theme.css")


def without_glyph_rules(css: str) -> str:
    """The theme's stylesheet without its rules that give each of Font
    Awesome's ~2,000 icons its web-font glyph (``.fa-bell:before{content:
    "\\f0f3"}``): this site draws its icons as SVG and switches those glyphs
    off (``CSS``), so they are a fifth of a stylesheet that every page must
    load before its first paint, doing nothing."""

    def drop(match: re.Match) -> str:
        selectors = [s.strip() for s in match.group(1).split(",")]
        if all(_GLYPH_SELECTOR.fullmatch(s) for s in selectors):
            return ""
        return match.group(0)

    return _GLYPH_RULE.sub(drop, css)


def subset_script(used: set[tuple[str, str]], bundle: str) -> str:
    """The replacement script: the outlines of ``used`` and the code that draws them."""
    available = outlines(bundle)
    missing = sorted(f"{s} {n}" for s, n in used if (s, n) not in available)
    if missing:
        raise ExtensionError(
            f"book_build.icons: the theme's fontawesome.js has no icon {missing}"
        )
    icons = {f"{s} {n}": list(available[s, n]) for s, n in sorted(used)}
    header = (
        "/* The Font Awesome Free icons this site uses (CC BY 4.0; see "
        "fontawesome.js.LICENSE.txt),\n   taken from the theme's fontawesome.js"
        " by book_build/icons.py. */\n"
    )
    return header + _RUNTIME % {
        "icons": json.dumps(icons, separators=(",", ":")),
        "sets": json.dumps(SET_OF_CLASS, separators=(",", ":")),
    }


def _theme_bundle(app: Sphinx) -> str:
    """The theme's own fontawesome.js (the output's copy may be ours already)."""
    for theme_dir in app.builder.theme.get_theme_dirs():
        path = pathlib.Path(theme_dir, "static", "scripts", SCRIPT.name)
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise ExtensionError(f"book_build.icons: the theme has no {SCRIPT.name}")


def _replace_script(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = pathlib.Path(app.outdir)
    target = outdir / SCRIPT
    if not target.exists():
        return
    bundle = _theme_bundle(app)
    used = icons_used(outdir) | icons_in_scripts(outdir, set(outlines(bundle)))
    target.write_text(subset_script(used, bundle), encoding="utf-8")
    sheets = [
        p.read_text(encoding="utf-8")
        for p in sorted((outdir / "_static").rglob("*.css"))
        if p.name != CSS_FILE
    ]
    (outdir / "_static" / CSS_FILE).write_text(
        CSS + admonition_css(sheets, bundle), encoding="utf-8"
    )
    (outdir / SCRIPT.with_suffix(".js.map")).unlink(missing_ok=True)
    theme_css = outdir / THEME_CSS
    if theme_css.exists():
        text = theme_css.read_text(encoding="utf-8")
        theme_css.write_text(without_glyph_rules(text), encoding="utf-8")
    logger.info(
        f"book_build.icons: {len(used)} icons, fontawesome.js "
        f"{len(bundle) / 1e6:.2f} MB -> {target.stat().st_size / 1e3:.1f} kB"
    )


def setup(app: Sphinx) -> dict:
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _replace_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
