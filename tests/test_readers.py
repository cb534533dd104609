"""The reader notebooks (``notebooks/``): in sync, plain Jupyter markdown, one URL.

``book_build.readers`` writes them from the chapters (``make readers``).  These
tests check that the committed ones are what it writes now, that their markdown
holds none of the MyST syntax plain Jupyter shows raw, that their install cell
names the repository of ``_config.yml``, and the conversions themselves on
small examples whose expected text is worked out by hand.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess

import pytest
import yaml

from book_build import readers

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = readers.load_book(ROOT)
READERS = sorted((ROOT / readers.READERS_DIR).glob("*.ipynb"))

# What plain Jupyter (JupyterLab, Notebook 7, VS Code, Colab) shows raw.
MYST_ONLY = {
    "role": re.compile(r"\{[A-Za-z][\w:-]*\}`"),
    "directive fence": re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{", re.M),
    "colon fence": re.compile(r"^\s*:{3,}", re.M),
    "target": re.compile(r"^\s*\([^()\s]+\)=\s*$", re.M),
    "directive option": re.compile(r"^\s*:(label|class|name|nowrap|sorted):", re.M),
    "labelled dollar maths": re.compile(r"\$\$\s*\([\w-]+\)\s*$", re.M),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
    "MyST comment": re.compile(r"^%", re.M),
    "block break": re.compile(r"^\+\+\+", re.M),
    "glue": re.compile(r"\{glue"),
    "project link": re.compile(r"<project:|\]\((project|path):"),
}


def _nb(path):
    return json.loads(path.read_text())


def _markdown(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def test_every_chapter_has_its_reader_notebook_and_they_are_up_to_date():
    assert BOOK.chapters, "no chapters found in _toc.yml"
    problems = readers.out_of_date(ROOT)
    assert not problems, "\n".join(problems) + "\nrun `make readers` and commit"


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.stem)
def test_reader_markdown_holds_no_myst_only_syntax(path):
    for text in _markdown(_nb(path)):
        for what, pattern in MYST_ONLY.items():
            match = pattern.search(text)
            assert match is None, f"{path.name}: {what} {match.group(0)!r} in\n{text}"


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.stem)
def test_every_equation_is_numbered_and_every_solution_folded(path):
    nb = _nb(path)
    source = _nb(ROOT / nb["metadata"]["book"]["generated_from"])
    src_md = "\n".join(_markdown(source))
    md = "\n".join(_markdown(nb))
    n = nb["metadata"]["book"]["chapter"]
    labelled = len(re.findall(r"^ *```\{math\}\n *:label:", src_md, re.M))
    tags = re.findall(r"\\tag\{([\d.]+)\}", md)
    assert tags == [f"{n}.{k}" for k in range(1, labelled + 1)]
    assert md.count("$$") == 2 * len(re.findall(r"^ *```\{math\}", src_md, re.M))
    starts = len(re.findall(r"\{solution-start\}", src_md))
    boxes = len(
        re.findall(
            r"^ *(?:`{3,}|:{3,})\{\w+\}.*\n(?: *:\w+:.*\n)*? *:class: dropdown",
            src_md,
            re.M,
        )
    )
    assert md.count("<details>") == md.count("</details>") == starts + boxes
    exercises = len(re.findall(r"^ *```\{exercise\}", src_md, re.M))
    assert re.findall(r"\*\*Exercise ([\d.]+)\.\*\*", md) == [
        f"{n}.{k}" for k in range(1, exercises + 1)
    ]


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.stem)
def test_the_first_code_cell_installs_book_utils_from_the_configured_repository(path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    url = config["url"].rstrip("/").removesuffix(".git")
    code = [c for c in _nb(path)["cells"] if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    assert readers.INSTALL_TAG in code[0]["metadata"]["tags"]
    assert f'"book_utils @ git+{url}.git@{config["branch"]}"' in first
    assert 'find_spec("book_utils") is None' in first
    assert all(
        readers.INSTALL_TAG not in c["metadata"].get("tags", []) for c in code[1:]
    )


def test_the_repository_url_is_written_only_in_the_config():
    url = BOOK.repo_url
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    owner_repo = url.split("://", 1)[-1].split("/", 1)[-1]
    holders = sorted(
        f
        for f in tracked
        if (ROOT / f).is_file()
        and not f.startswith(f"{readers.READERS_DIR}/")
        and owner_repo in (ROOT / f).read_text(errors="replace")
    )
    assert holders == ["_config.yml"]


# --- the conversions, on small examples -----------------------------------


def _convert(md: str, glue=None, doc="chapters/01_probability_vs_likelihood"):
    nb = {"cells": [], "metadata": {}}
    conv = readers.Converter(BOOK, doc, nb)
    conv.glue = dict(glue or {})
    return conv.block(md)


def test_glue_is_formatted_like_the_website():
    # myst-nb formats the stored text/plain with the format spec
    glue = {"p": "0.00390625", "n": "110.19960576000004", "k": "7"}
    text = "{glue:text}`p:.8f`, {glue:text}`p:.1%`, {glue:text}`n:.0f`, {glue:text}`k`"
    assert _convert(text, glue) == "0.00390625, 0.4%, 110, 7"


def test_a_labelled_equation_gets_its_chapter_number_and_references_show_it():
    md = (
        "```{math}\n:label: eq-likelihood\n\nL(p) = p^8\n```\n\nBy {eq}`eq-likelihood`."
    )
    number = BOOK.labels["eq-likelihood"].number
    assert number.startswith(f"{BOOK.numbers[BOOK.labels['eq-likelihood'].doc]}.")
    assert _convert(md) == f"$$\nL(p) = p^8\n\\tag{{{number}}}\n$$\n\nBy ({number})."


def test_roles_become_readable_text():
    doc2 = next(d for d in BOOK.chapters if BOOK.numbers[d] == 2)
    name = pathlib.PurePosixPath(doc2).name
    assert _convert("{doc}`chapter 2 <02_x>`".replace("02_x", name)) == (
        f"[chapter 2]({name}.ipynb)"
    )
    assert _convert("{term}`odds <Odds>` and {term}`Hessian`") == "odds and Hessian"
    assert _convert("(sec-x)=\n## Title") == "## 1.1. Title"


def test_a_citation_names_the_authors_and_year_from_the_bibliography():
    assert _convert("{cite}`spector1980probit`") == "(Spector and Mazzeo, 1980)"
    assert _convert("{cite:t}`greene2018econometric`") == "Greene (2018)"
    # an entry without authors is named by its title, as on the website
    assert _convert("{cite:t}`howlogregworks`") == (
        "*How the Logistic Regression Model Works* (n.d.)"
    )


@pytest.mark.parametrize(
    "md",
    ["{unknownrole}`x`", "```{figure} a.png\n```", "{glue:text}`missing:.2f`"],
)
def test_myst_the_generator_does_not_know_is_an_error(md):
    with pytest.raises(readers.ReaderError):
        _convert(md)


def test_book_build_is_not_installed_with_book_utils():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'packages = \["book_utils"\]', pyproject)


def test_a_doc_link_to_a_page_that_is_not_a_chapter_shows_its_title():
    # glossary.md's heading, read from the file: no reader notebook to link to
    title = re.search(r"^# +(.+)$", (ROOT / "glossary.md").read_text(), re.M)[1]
    assert _convert("see {doc}`../glossary`") == f"see {title}"


def test_a_cell_that_raises_on_purpose_prints_its_error_so_run_all_goes_on():
    cell = {
        "cell_type": "code",
        "id": "x",
        "metadata": {"tags": ["raises-exception"]},
        "execution_count": 3,
        "source": ["f(0.7)"],
        "outputs": [
            {
                "output_type": "error",
                "ename": "ValueError",
                "evalue": "bad",
                "traceback": [],
            }
        ],
    }
    new = readers._caught(cell, "chapters/x")
    code = "".join(new["source"])
    namespace = {}

    def f(y):
        raise ValueError("bad")

    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {"f": f}, namespace)  # noqa: S102 (the generated cell)
    assert printed.getvalue() == "ValueError: bad\n"
    assert new["outputs"] == [
        {"name": "stdout", "output_type": "stream", "text": ["ValueError: bad\n"]}
    ]
    assert "tags" not in new["metadata"]


def test_a_term_links_to_the_website_glossary_only_when_its_url_is_configured():
    assert BOOK.glossary == "glossary"
    book = readers.load_book(ROOT)
    book.site_url = ""
    conv = readers.Converter(book, BOOK.chapters[0], {"cells": []})
    assert conv.block("{term}`convex <Convex function>`") == "convex"
    book.site_url = "https://example.org/book/"
    assert conv.block("{term}`convex <Convex function>`") == (
        "[convex](https://example.org/book/glossary.html#term-Convex-function)"
    )
    # terms match regardless of case, as in Sphinx; the anchor has the glossary's case
    assert conv.block("{term}`cross-entropy`") == (
        "[cross-entropy](https://example.org/book/glossary.html#term-Cross-entropy)"
    )


def test_make_lab_works_on_copies_that_keep_a_readers_edits(tmp_path):
    root = tmp_path / "book"
    (root / readers.READERS_DIR).mkdir(parents=True)
    reader = root / readers.READERS_DIR / "01_x.ipynb"
    reader.write_text("generated")
    lab = tmp_path / "lab"
    assert readers.copy_for_lab(lab, root) == [lab / "01_x.ipynb"]
    (lab / "01_x.ipynb").write_text("run and saved by the reader")
    assert readers.copy_for_lab(lab, root) == []
    assert (lab / "01_x.ipynb").read_text() == "run and saved by the reader"
    later = (lab / "01_x.ipynb").stat().st_mtime + 10
    reader.write_text("the chapter changed")
    os.utime(reader, (later, later))
    assert readers.copy_for_lab(lab, root) == [lab / "01_x.ipynb"]
    assert (lab / "01_x.ipynb").read_text() == "the chapter changed"


def test_a_folded_box_stays_folded_and_its_maths_is_plain_markdown():
    md = (
        ":::{admonition} Under the hood: `exp` overflows\n:class: dropdown\n"
        "Past {glue:text}`limit:.2f` it is inf:\n\n```{math}\n\\exp(710)\n```\n:::"
    )
    assert _convert(md, {"limit": "709.78"}) == (
        "<details>\n<summary>Under the hood: <code>exp</code> overflows</summary>\n\n"
        "Past 709.78 it is inf:\n\n$$\n\\exp(710)\n$$\n\n</details>"
    )
    # a ``` fence's title cannot hold a backtick (CommonMark): the website shows
    # such a block raw, so the reader notebooks refuse it
    with pytest.raises(readers.ReaderError, match="backticks"):
        _convert("```{admonition} Under the hood: `exp`\n:class: dropdown\nText\n```")
    # without :class: dropdown an admonition is a block quote, as before
    assert _convert("```{admonition} Note\nText\n```") == "> **Note**\n>\n> Text"


def _reader_of(cells, tmp_path):
    """The reader notebook of a one-off chapter made of ``cells``."""
    import dataclasses

    (tmp_path / "chapters").mkdir()
    (tmp_path / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    doc = "chapters/99_x"
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / f"{doc}.ipynb").write_text(json.dumps(nb))
    book = dataclasses.replace(BOOK, root=tmp_path, numbers={**BOOK.numbers, doc: 99})
    return readers.reader_notebook(book, doc)["cells"]


def _code(source, tags):
    return {
        "cell_type": "code",
        "id": source[:8],
        "execution_count": 1,
        "metadata": {"tags": tags},
        "outputs": [],
        "source": source,
    }


def test_check_cells_stay_collapsed_under_a_line_that_says_what_they_check(tmp_path):
    cells = _reader_of(
        [
            _code("x = 1", []),
            _code("assert x == 1", ["remove-cell"]),
            _code("# Checks the numbers quoted below.\nassert x", ["remove-cell"]),
            _code("print(x)", ["hide-cell"]),
        ],
        tmp_path,
    )
    code = [c for c in cells if c["cell_type"] == "code"][1:]  # after the install
    assert "jupyter" not in code[0]["metadata"]
    assert "".join(code[1]["source"]) == (
        "# Checks the numbers quoted above.\nassert x == 1"
    )
    assert "".join(code[2]["source"]) == "# Checks the numbers quoted below.\nassert x"
    for check in code[1:3]:
        assert check["metadata"]["jupyter"] == {"source_hidden": True}
    assert code[3]["metadata"]["jupyter"] == {
        "source_hidden": True,
        "outputs_hidden": True,
    }
