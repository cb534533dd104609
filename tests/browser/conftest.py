"""Fixtures for the browser tests of the built website (``make browser``).

The site in ``_build/html`` is served on localhost by a Python http.server and
opened in headless Chromium through Playwright.  Every request to any other
host is refused and recorded, so a page that tries one fails its test.

Chromium: ``$CHROMIUM`` if set, else ``/usr/bin/chromium`` or ``chromium`` on
the PATH (Debian: ``apt-get install -y chromium``).  Without it these tests
fail; they never skip.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest
from sitetools import (
    CHROMIUM_ARGS,
    REPORT,
    REPORT_FILE,
    SCREENS,
    SITE,
    chromium_path,
    redirect_target,
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site in {SITE}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(
            "Chromium is needed for the browser tests and was not found. "
            "Install it with `apt-get install -y chromium` (Debian/Ubuntu, as root), "
            "or point $CHROMIUM at a Chromium binary."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageLog:
    """What a page did: requests to other hosts, console errors, page errors."""

    def __init__(self):
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.site: list[str] = []  # paths requested from the site itself


@pytest.fixture
def open_page(browser, site_url):
    """``open_page(path, screen="desktop")`` -> (page, log), the page loaded
    and settled, in a fresh browser context with that screen (``SCREENS``)."""
    contexts = []

    def _open(path: str, screen: str = "desktop"):
        width, height, ratio = SCREENS[screen]
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=ratio
        )
        contexts.append(context)
        log = PageLog()

        def route(route):
            url = route.request.url
            if url.startswith(site_url):
                log.site.append(url[len(site_url) :].split("?")[0].split("#")[0])
                route.continue_()
            elif url.startswith("data:"):
                route.continue_()
            else:
                log.foreign.append(url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                log.errors.append(f"console.{m.type}: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: log.errors.append(f"page error: {e}"))
        page.goto(site_url + path, wait_until="load")
        target = redirect_target(path)
        if target is not None:  # a redirect page: test where it leads
            page.wait_for_url(site_url + target)
            page.wait_for_load_state("load")
        return page, log

    yield _open
    for context in contexts:
        context.close()


def _fmt(value, spec: str, unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def pytest_sessionfinish(session):
    # `make test` runs the browser tests in two parts (the timing tests alone,
    # at the end): each part adds its measurements to one file, and the table
    # shows them all.
    if not REPORT:
        return
    merged = json.loads(REPORT_FILE.read_text()) if REPORT_FILE.exists() else {}
    for page, row in REPORT.items():
        merged.setdefault(page, {}).update(row)
    REPORT_FILE.write_text(json.dumps(merged, indent=1, sort_keys=True))


def pytest_terminal_summary(terminalreporter):
    if not REPORT:
        return
    report = json.loads(REPORT_FILE.read_text()) if REPORT_FILE.exists() else REPORT
    write = terminalreporter.write_line
    write("")
    write(
        "Website pages (own content = HTML + the files it fetched, without shared "
        "theme assets), on a desktop (1280 px wide, 2x) and a phone (390 x 844, 2x)"
    )
    columns = [
        ("page", 40),
        ("sliders", 7),
        ("own: desk", 10),
        ("phone", 9),
        ("repaint: 2x", 11),
        ("phone", 8),
        ("min text: 2x", 12),
        ("phone", 7),
        ("px/css", 6),
        ("decoded: 2x", 11),
        ("phone", 8),
    ]
    header = " ".join(
        f"{name:<{width}}" if i == 0 else f"{name:>{width}}"
        for i, (name, width) in enumerate(columns)
    )
    write(header)
    write("-" * len(header))
    for page in sorted(report):
        row = report[page]
        cells = [
            page,
            str(row.get("sliders", "?")),
            _fmt(row.get("weight") and row["weight"] / 1e6, ".3f", " MB"),
            _fmt(row.get("phone_weight") and row["phone_weight"] / 1e6, ".3f", " MB"),
            _fmt(row.get("slowest_ms"), ".2f", " ms"),
            _fmt(row.get("phone_slowest_ms"), ".2f", " ms"),
            _fmt(row.get("text_px"), ".1f", " px"),
            _fmt(row.get("phone_text_px"), ".1f", " px"),
            _fmt(row.get("density"), ".2f"),
            _fmt(row.get("decoded") and row["decoded"] / 1e6, ".1f", " MB"),
            _fmt(row.get("phone_decoded") and row["phone_decoded"] / 1e6, ".1f", " MB"),
        ]
        write(
            " ".join(
                f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                for i, (c, (_, w)) in enumerate(zip(cells, columns, strict=True))
            )
        )
    write(
        "repaint: from the input event until the new frame is drawn and laid out "
        "(limit 16 ms); min text: the smallest explorer text in CSS px (limit 9); "
        "px/css: image pixels per CSS pixel of the frames at 2x (limit 2); decoded: "
        "the most explorer image bytes held decoded while every slider moved end to "
        "end (limit 64 MB)"
    )
