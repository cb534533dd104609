"""The reader notebooks in a real JupyterLab (headless Chromium): what `make lab` shows.

One JupyterLab server (loopback, a random token, no browser, its own settings,
workspace and runtime folders, stopped at the end) serves a copy of
``notebooks/``.  Rendered markdown must show no MyST role, directive, target or
untypeset maths, every display equation must be typeset by JupyterLab's own
MathJax (with no MathJax error), every solution must be folded, and no request
may go to another host.

Chapters 1 and 5 are opened as they are, with their outputs (a kernel
starts); their screenshots (the first display equation, the first glued
number) go to ``_build/lab-screenshots/``: look at them after changing the
generator.  To keep this cheap, the markdown cells of every other chapter are
checked in one notebook made of all of them (JupyterLab renders each
markdown cell on its own, so this is the same rendering; typesetting is what
costs time).
Needs Chromium (see conftest.py).
"""

import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
READERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "_build" / "lab-screenshots"
ALL = "all_chapters_markdown.ipynb"
# chapters opened whole (with outputs) and photographed
WHOLE = [p for p in READERS if p.name.startswith(("01_", "05_"))]

# Text that must never be visible in rendered markdown.
RAW = re.compile(
    r"\{(eq|glue|glue:text|term|doc|ref|numref|cite|math|exercise|solution-start"
    r"|solution-end|margin|note|admonition)\}"
    r"|^\s*:(label|class):|^\s*\([\w-]+\)=\s*$|\$\$|\\tag\{|\\begin\{|```",
    re.M,
)
SETTINGS = {
    # render every cell, not only those in view, so that all can be checked
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
    # no news or update checks (they would go to other hosts)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _all_markdown() -> dict:
    """One notebook holding the markdown cells of the chapters not opened whole."""
    cells = []
    for path in READERS:
        if path in WHOLE:
            continue
        nb = json.loads(path.read_text())
        cells += [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    for k, cell in enumerate(cells):
        cell["id"] = f"md-{k}"
    # no kernelspec: nothing to run here, so no kernel is started
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base url, token) of a JupyterLab serving a copy of notebooks/."""
    home = tmp_path_factory.mktemp("lab")
    served = home / "notebooks"
    served.mkdir()
    for path in READERS:
        shutil.copy(path, served / path.name)
    (served / ALL).write_text(json.dumps(_all_markdown()))
    for name, value in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = dict(os.environ)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
    )
    env.pop("BOOK_STATIC_EXPLORERS", None)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(home / "lab.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser"]
        + ["--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}"]
        + [f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
        + [f"--ServerApp.root_dir={served}"]
        + ["--LabApp.extension_manager=readonly"]  # no look-ups on PyPI
        # window.jupyterapp: the explorer tests run a notebook by JupyterLab's own
        # command instead of clicking through menus that may not be there yet
        + ["--LabApp.expose_app_in_browser=True"]
        + (["--allow-root"] if os.geteuid() == 0 else []),  # CI runs as root
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}") as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "JupyterLab did not start:\n" + (home / "lab.log").read_text()
                )
            time.sleep(0.25)
        yield base, token, served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _expected(nb: dict) -> dict:
    md = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    text = "\n".join(md)
    return {
        "markdown": len(md),
        "display": text.count("$$") // 2,
        "details": text.count("<details>"),
    }


def _open_and_check(browser, lab, name: str):
    """Open notebook `name` in JupyterLab, check its markdown; return (context, page)."""
    base, token, served = lab
    expected = _expected(json.loads((served / name).read_text()))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    foreign: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(base) or url.startswith("data:"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    # ?reset: a fresh workspace, without the tabs of the previous notebook
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_function(
        """n => document.querySelectorAll(
               '.jp-MarkdownCell .jp-RenderedMarkdown').length >= n""",
        arg=expected["markdown"],
        timeout=120_000,
    )
    # JupyterLab's MathJax typesets each cell after it renders
    page.wait_for_function(
        """n => document.querySelectorAll(
               '.jp-MarkdownCell mjx-container[display="true"]').length >= n""",
        arg=expected["display"],
        timeout=120_000,
    )
    texts = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").evaluate_all(
        "els => els.map(e => e.innerText)"
    )
    assert len(texts) == expected["markdown"]
    for text in texts:
        match = RAW.search(text)
        assert match is None, f"{name} shows {match.group(0)!r} in\n{text}"
    shown = page.locator('.jp-MarkdownCell mjx-container[display="true"]').count()
    assert shown == expected["display"]
    assert page.locator(".jp-MarkdownCell mjx-merror").count() == 0
    details = page.locator(".jp-MarkdownCell details")
    assert details.count() == expected["details"]
    assert details.evaluate_all("els => els.filter(e => e.open).length") == 0
    assert not foreign, f"requests to other hosts: {foreign}"
    return context, page


def test_the_other_chapters_markdown_renders_without_raw_syntax(browser, lab):
    context, page = _open_and_check(browser, lab, ALL)
    context.close()


@pytest.mark.parametrize("path", WHOLE, ids=lambda p: p.stem)
def test_chapter_opened_whole_reads_like_its_web_page(browser, lab, path):
    context, page = _open_and_check(browser, lab, path.name)
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        # the first display equation, then the first glued number: a glue cell
        # (an output with scrapbook metadata) comes just before the prose quoting it
        page.locator('.jp-MarkdownCell mjx-container[display="true"]').first.evaluate(
            "e => e.closest('.jp-Cell').scrollIntoView({block: 'start'})"
        )
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / f"{path.stem}.png"))
        code = [
            c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"
        ]
        glued = next(
            k
            for k, cell in enumerate(code)
            if any("scrapbook" in o.get("metadata", {}) for o in cell["outputs"])
        )
        page.locator(".jp-CodeCell").nth(glued).evaluate(
            "e => e.scrollIntoView({block: 'start'})"
        )
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / f"{path.stem}-glue.png"))
    finally:
        context.close()
