"""A reader notebook runs outside the repository, as a reader runs it.

``book_utils`` is installed the way Colab installs it: by chapter 1's install
cell, ``pip install "book_utils @ git+URL"``, here from a git repository made
of this working tree (the files git tracks or would track, as they are now),
non-editable, into a throw-away folder.  Chapter 1's reader notebook is then
run top to bottom in another empty folder with only that folder on the path
and myst-nb made unimportable.  Its install cell must find the package and
skip itself, and ``book_utils`` must come from the installed copy (with its
data files), not from the editable install of the repository.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from book_build import readers

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _git(*args, cwd):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A git repository of the working tree as it is (what git tracks or would)."""
    repo = tmp_path_factory.mktemp("repo")
    files = _git("ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in files.split("\n"):
        if name and (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    _git("init", "--quiet", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "t", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def installed(repo, tmp_path_factory):
    """A folder where the reader notebook's own install cell put book_utils.

    The install cell as generated, with the repository's URL swapped for the
    local one, runs where book_utils cannot be imported (``python -S``: no
    site-packages); pip's environment tells it to install into a folder and
    skip the dependencies (the test's environment has them).
    """
    book = readers.load_book(ROOT)
    nb = json.loads(book.reader_path(book.chapters[0]).read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code = "".join(cell["source"])
    spec = readers.install_spec(ROOT)
    assert spec in code
    code = code.replace(spec, f"book_utils @ git+file://{repo}")
    target = tmp_path_factory.mktemp("site")
    env = dict(os.environ, PIP_TARGET=str(target), PIP_NO_DEPS="1")
    env.pop("PYTHONPATH", None)
    run = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=env,
        cwd=target,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.startswith("Installing book_utils @ git+file://")
    return target


def test_the_install_cell_installs_the_package_with_its_data_files(installed):
    assert (installed / "book_utils" / "__init__.py").is_file()
    static = installed / "book_utils" / "_static"
    shipped = sorted(p.name for p in (ROOT / "book_utils" / "_static").iterdir())
    assert shipped and sorted(p.name for p in static.iterdir()) == shipped


def test_chapter_1_reader_notebook_runs_in_an_empty_folder(installed, tmp_path):
    book = readers.load_book(ROOT)
    path = book.reader_path(book.chapters[0])
    work = tmp_path / "reader"
    work.mkdir()
    shutil.copy(path, work / path.name)
    nb = nbformat.read(work / path.name, as_version=4)
    # a reader has book_utils' dependencies only: no myst-nb
    nb.cells.insert(
        0,
        nbformat.v4.new_code_cell(
            'import sys\nsys.modules["myst_nb"] = None  # import myst_nb fails'
        ),
    )
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json, book_utils\nprint(json.dumps({'file': book_utils.__file__}))"
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(installed)
    env.pop("BOOK_STATIC_EXPLORERS", None)
    # the kernel is this Python (ipykernel's own kernel spec), started in `work`
    client = NotebookClient(nb, timeout=300, kernel_name="python3")
    client.execute(env=env, cwd=str(work))

    install = nb.cells[1 + [c.cell_type for c in nb.cells[1:]].index("code")]
    assert readers.INSTALL_TAG in install.metadata.tags
    printed = "".join(o.get("text", "") for o in install.outputs)
    assert printed == "book_utils is installed: nothing to do.\n"

    where = json.loads(nb.cells[-1].outputs[0]["text"])["file"]
    assert pathlib.Path(where).is_relative_to(installed), where
    errors = [
        o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"
    ]
    assert not errors
