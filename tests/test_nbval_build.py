"""The check of the test build's outputs (book_build/nbval_build.py) fails when
an output differs from the stored one, as nbval would, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from book_build.nbval_build import prepare, record_executions

ROOT = Path(__file__).resolve().parents[1]
LAPTOP = "OPENBLAS_CORETYPE=Haswell"
VIEW = {"version_major": 2, "version_minor": 1, "model_id": "0" * 32}


def stored_notebook() -> nbformat.NotebookNode:
    cells = [
        new_code_cell("print(f'{1.5:.2f}')", execution_count=1),
        new_code_cell("print(0.1 + 0.2)", execution_count=2),
        new_code_cell("explorer", execution_count=3),
    ]
    cells[0].outputs = [new_output("stream", name="stdout", text="1.50\n")]
    cells[1].metadata["tags"] = ["nbval-ignore-output"]
    cells[1].outputs = [new_output("stream", name="stdout", text="0.3\n")]
    cells[2].outputs = [
        new_output(
            "execute_result",
            data={
                "text/plain": "Explorer('t')",
                "application/vnd.jupyter.widget-view+json": VIEW,
            },
            execution_count=3,
        )
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


def built_notebook(first: str = "1.50\n") -> nbformat.NotebookNode:
    nb = stored_notebook()
    nb.cells[0].outputs = [
        new_output("stream", name="stdout", text=first[:2]),
        new_output("stream", name="stdout", text=first[2:]),
    ]
    nb.cells[1].outputs = [
        new_output("stream", name="stdout", text="0.30000000000000004\n")
    ]
    data = nb.cells[2].outputs[0].data
    data["text/html"] = '<figure class="bx" id="bx-1">...</figure>'
    return nb


def make_book(tmp: Path, built, env: str = LAPTOP) -> Path:
    from jupyter_cache import get_cache

    (tmp / "chapters").mkdir()
    stored = tmp / "chapters" / "01_x.ipynb"
    nbformat.write(stored_notebook(), stored)
    out = tmp / "_build" / "jupyter_execute" / "chapters" / "01_x.ipynb"
    out.parent.mkdir(parents=True)
    nbformat.write(built, out)
    cache_dir = tmp / "_build" / ".jupyter_cache"
    get_cache(cache_dir).cache_notebook_file(out, check_validity=False)
    record_executions(cache_dir, set(), dict(item.split("=") for item in env.split()))
    return stored


def check(tmp: Path, env: str = LAPTOP) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "book_build.nbval_build",
            "--nbval-build",
            "_build",
            "--nbval-build-env",
            env,
            "--rootdir",
            str(tmp),
            "chapters",
        ],
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )


def test_same_outputs_pass(tmp_path):
    # streams split differently, an ignored cell that differs and the static
    # explorer's HTML (the build's own addition) are no difference
    make_book(tmp_path, built_notebook())
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_a_changed_output_fails_with_the_difference(tmp_path):
    make_book(tmp_path, built_notebook(first="1.51\n"))
    result = check(tmp_path)
    assert result.returncode == 1
    assert "Cell outputs differ" in result.stdout
    assert "1.50" in result.stdout and "1.51" in result.stdout
    assert "1 failed, 2 passed" in result.stdout


def test_other_html_beside_a_widget_is_compared(tmp_path):
    built = built_notebook()
    built.cells[2].outputs[0].data["text/html"] = "<p>something else</p>"
    make_book(tmp_path, built)
    result = check(tmp_path)
    assert result.returncode == 1
    assert "Unexpected output fields" in result.stdout


def test_outputs_executed_under_another_configuration_fail(tmp_path):
    make_book(tmp_path, built_notebook(), env="OPENBLAS_CORETYPE=Prescott")
    result = check(tmp_path)
    assert result.returncode == 1
    assert "executed under {'OPENBLAS_CORETYPE': 'Prescott'}" in result.stdout


def test_prepare_removes_what_another_configuration_executed(tmp_path):
    from jupyter_cache import get_cache

    make_book(tmp_path, built_notebook(), env="OPENBLAS_CORETYPE=Prescott")
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    assert prepare(cache_dir, {"OPENBLAS_CORETYPE": "Prescott"}) == []
    assert len(get_cache(cache_dir).list_cache_records()) == 1
    # the page's doctree goes too, or Sphinx would not read (and execute) the
    # unchanged page again; other pages' doctrees stay
    doctrees = tmp_path / "_build" / ".doctrees" / "chapters"
    doctrees.mkdir(parents=True)
    (doctrees / "01_x.doctree").write_bytes(b"")
    (doctrees / "02_y.doctree").write_bytes(b"")
    assert len(prepare(cache_dir, {"OPENBLAS_CORETYPE": "Haswell"})) == 1
    assert get_cache(cache_dir).list_cache_records() == []
    assert not (doctrees / "01_x.doctree").exists()
    assert (doctrees / "02_y.doctree").exists()
    # a notebook whose record was lost earlier is read again too
    (doctrees / "01_x.doctree").write_bytes(b"")
    assert prepare(cache_dir, {"OPENBLAS_CORETYPE": "Haswell"}) == []
    assert not (doctrees / "01_x.doctree").exists()


@pytest.mark.parametrize("code", ["1/0"])
def test_an_error_in_the_build_fails(tmp_path, code):
    built = built_notebook()
    built.cells[0].outputs = [
        new_output("error", ename="ZeroDivisionError", evalue="x", traceback=["tb"])
    ]
    make_book(tmp_path, built)
    result = check(tmp_path)
    assert result.returncode == 1
    assert "Cell execution caused an exception" in result.stdout
