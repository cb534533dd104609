"""The installed book_utils holds only what readers run: no build code."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD_SIDE = ("sphinx", "book_build", "docutils", "myst", "jupyter_book")


def test_the_wheel_has_no_build_side_module(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("book_utils-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        sources = {n: z.read(n).decode() for n in names if n.endswith(".py")}
    packages = {n.split("/")[0] for n in names if not n.endswith(".dist-info/")}
    assert packages <= {"book_utils"} | {
        n.split("/")[0] for n in names if ".dist-info" in n
    }
    assert not any(n.startswith("book_build") for n in names)
    assert not any(
        n.endswith(("site.py", "frames.py", "static_explorer.py")) for n in names
    )
    # the front-end the widget ships, and nothing of the website's own
    assert "book_utils/_static/explorer.js" in names
    assert not any(n.endswith(("book-explorer.js", "book.css")) for n in names)
    for name, text in sources.items():
        for module in BUILD_SIDE:
            imports = (f"import {module}", f"from {module}")
            # the one lazy import of book_build happens only in the book build
            lines = [
                line
                for line in text.splitlines()
                if line.strip().startswith(imports)
                and "book_build.static_explorer import static_html" not in line
            ]
            assert not lines, f"{name} imports {module}: {lines}"
