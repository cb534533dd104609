"""book_build.icons: the theme's icons without fontawesome.js."""

from __future__ import annotations

import pathlib

import pydata_sphinx_theme
import pytest
from sphinx.errors import ExtensionError

from book_build import icons

THEME_BUNDLE = (
    pathlib.Path(pydata_sphinx_theme.__file__).parent
    / "theme/pydata_sphinx_theme/static/scripts/fontawesome.js"
)

# a bundle in the shape of Font Awesome's: icons defined, then registered by set
TOY = (
    'var a={sun:[512,512,[9728],"f185","M1 1z"],"arrow-up":[384,512,[],"f062","M2 2z"]};'
    'x("fas",a);var b={sun:[500,500,[],"f185","M3 3z"]};y("far",b);'
    'var c={github:[496,512,[],"f09b","M4 4z"]};z("fab",c);'
)


def test_outlines_are_read_per_set():
    found = icons.outlines(TOY)
    assert found == {
        ("fas", "sun"): (512, 512, "M1 1z"),
        ("fas", "arrow-up"): (384, 512, "M2 2z"),
        ("far", "sun"): (500, 500, "M3 3z"),
        ("fab", "github"): (496, 512, "M4 4z"),
    }


def test_the_set_comes_from_the_class_names():
    assert icons._icons_of(["fab", "fa-github"]) == {("fab", "github")}
    assert icons._icons_of(["fa-regular", "fa-sun", "fa-lg"]) == {("far", "sun")}
    assert icons._icons_of(["theme-switch", "fa-solid", "fa-moon", "fa-lg"]) == {
        ("fas", "moon")
    }
    assert icons._icons_of(["btn", "not-an-icon"]) == set()


def test_the_site_pages_icons_come_from_the_theme_bundle(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<i class="fas fa-rocket"></i><i class="fab fa-github"></i>'
        '<i class="theme-switch fa-solid fa-circle-half-stroke fa-lg"></i>'
        '<span class="fa-solid fa-bars"></span>',
        encoding="utf-8",
    )
    used = icons.icons_used(tmp_path)
    assert used == {
        ("fas", "rocket"),
        ("fab", "github"),
        ("fas", "circle-half-stroke"),
        ("fas", "bars"),
    }
    bundle = THEME_BUNDLE.read_text(encoding="utf-8")
    script = icons.subset_script(used, bundle)
    # a few kilobytes instead of the whole bundle, with each outline in it
    assert len(script) < 20_000 < 1_000_000 < len(bundle)
    every = icons.outlines(bundle)
    assert len(every) > 1500  # the free set, all three styles
    for key in used:
        assert every[key][2] in script


def test_an_icon_the_theme_lacks_stops_the_build():
    with pytest.raises(ExtensionError, match="no icon"):
        icons.subset_script({("fas", "no-such-icon")}, TOY)


def test_admonition_icons_become_masks_of_the_same_outline():
    sheets = [
        ':root{--pst-icon-bell:"\\f0f3";--pst-icon-admonition-default:var(--pst-icon-bell)}'
        ".admonition>.admonition-title:after{color:red;"
        "content:var(--pst-icon-admonition-default);font:var(--fa-font-solid)}"
        '.admonition>.admonition-title:before{content:""}',
        '/* x */ div.exercise p.admonition-title::after{content:"\\f303"}'
        "div.solution p.admonition-title::after{content:none}",
    ]
    bundle = (
        'var a={bell:[448,512,[],"f0f3","M1 1z"],pencil:[512,512,[],"f303","M2 2z"]};'
        'x("fas",a);'
    )
    css = icons.admonition_css(sheets, bundle)
    rules = css.strip().splitlines()
    assert len(rules) == 2
    base = next(r for r in rules if r.startswith(".admonition>"))
    assert "font:inherit" in base and "viewBox='0 0 448 512'" in base
    assert "M1 1z" in base and 'content:""' in base
    exercise = next(r for r in rules if r.startswith("div.exercise"))
    assert "M2 2z" in exercise
    with pytest.raises(ExtensionError, match="U\\+F303"):
        icons.admonition_css(sheets, bundle.replace('"f303"', '"f304"'))


def test_the_theme_s_glyph_rules_are_removed_and_nothing_else():
    css = (
        '.a{x:1}.fa-bell:before{content:"\\f0f3"}.fa-a:before,.fa-b::before{content:"y"}'
        '.fa-c:before,.b{content:"z"}@media (x){.fa-d:before{content:"w"}.c{y:2}}'
    )
    assert icons.without_glyph_rules(css) == (
        '.a{x:1}.fa-c:before,.b{content:"z"}@media (x){.c{y:2}}'
    )


def test_the_real_theme_s_admonition_icons_are_all_found():
    import pydata_sphinx_theme

    css = (
        pathlib.Path(pydata_sphinx_theme.__file__).parent
        / "theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"
    ).read_text(encoding="utf-8")
    out = icons.admonition_css([css], THEME_BUNDLE.read_text(encoding="utf-8"))
    for kind in ("note", "warning", "tip", "seealso", "important", "error"):
        assert f".admonition.{kind}>.admonition-title:after" in out
    assert len(icons.without_glyph_rules(css)) < 0.8 * len(css)
