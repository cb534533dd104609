"""The website's maths as MathML written at build time (book_build.pagemath)."""

from __future__ import annotations

import re
import xml.dom.minidom

import pytest
from fontTools.ttLib import TTFont

from book_build import pagemath


def _parse(out: str):
    return xml.dom.minidom.parseString(out).documentElement


def test_display_and_inline_maths_are_math_elements_with_their_tex():
    out = pagemath.mathml(r"\hat p_i = \sigma(x_i^\top \beta)", display=False)
    root = _parse(out)
    assert root.tagName == "math"
    assert root.getAttribute("display") == "inline"
    assert root.getAttribute("alttext") == r"\hat p_i = \sigma(x_i^\top \beta)"
    assert "σ" in out or "&#x003C3;" in out
    block = _parse(pagemath.mathml(r"\frac{a}{b} < c", display=True))
    assert block.getAttribute("display") == "block"
    assert block.getElementsByTagName("mfrac")
    assert block.getAttribute("alttext") == r"\frac{a}{b} < c"  # escaped, then read
    # it may scroll sideways on a phone: the keyboard reaches it (axe)
    assert block.getAttribute("tabindex") == "0"
    assert not root.hasAttribute("tabindex")


def test_starred_operator_name_puts_its_subscript_underneath():
    root = _parse(
        pagemath.mathml(r"\operatorname*{arg\,max}_{\beta} \ell(\beta)", True)
    )
    (under,) = root.getElementsByTagName("munder")
    letters = [n.firstChild.data for n in under.getElementsByTagName("mi")]
    assert "".join(letters[:6]) == "argmax"
    assert letters[-1] in ("β", "\u03b2")


def test_function_names_get_thin_spaces_but_not_before_a_bracket():
    out = pagemath.mathml(r"y \log p + \log(1 - p)", True)
    spaced = re.findall(r'<mo lspace="([^"]+)" rspace="([^"]+)">log</mo>', out)
    assert spaced == [("0.1667em", "0.1667em"), ("0.1667em", "0")]


@pytest.mark.parametrize(
    "tex",
    [
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",  # alignment marks as text
        r"\notacommand x",  # left as text
        r"\frac{a}{",  # not TeX
    ],
)
def test_maths_it_cannot_convert_is_an_error_naming_it(tex):
    with pytest.raises(ValueError, match=re.escape(repr(tex))):
        pagemath.mathml(tex, display=True)


def test_the_font_is_cut_to_the_characters_shown_and_keeps_its_math_table(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<p>x</p>" + pagemath.mathml(r"\sum_{i} \ell_i \ge \mathbb{E}", True),
        encoding="utf-8",
    )
    shown = pagemath.characters(page.read_text(encoding="utf-8"))
    assert {ord("∑"), ord("ℓ"), ord("≥"), ord("𝔼"), ord("i")} <= shown
    assert ord("\\") not in shown  # the alternative text does not count
    out = tmp_path / "_static" / pagemath.FONT
    pagemath.write_font([page], out)
    font = TTFont(out)
    assert font.flavor == "woff"
    assert "MATH" in font  # what a browser needs to lay out MathML
    cmap = font.getBestCmap()
    assert shown <= set(cmap)
    assert ord("Ω") in cmap  # the base set: Greek is always there
    assert ord("∫") not in cmap  # not shown, not shipped
    # cut again only when the characters change
    stamp = tmp_path / "doctrees" / "book-math.chars"
    pagemath.write_font([page], out, stamp)
    written = out.stat().st_mtime_ns
    pagemath.write_font([page], out, stamp)
    assert out.stat().st_mtime_ns == written
    page.write_text(pagemath.mathml(r"\int_0^1 x", True), encoding="utf-8")
    pagemath.write_font([page], out, stamp)
    assert ord("∫") in TTFont(out).getBestCmap()
    # the larger sizes of the summation sign survive the cut
    variants = font["MATH"].table.MathVariants
    assert cmap[ord("∑")] in variants.VertGlyphCoverage.glyphs
