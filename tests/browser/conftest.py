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
import threading

import pytest
from sitetools import CHROMIUM_ARGS, REPORT, SITE, chromium_path, redirect_target


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
    """``open_page(path)`` -> (page, log), the page loaded and settled."""
    contexts = []

    def _open(path: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
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
        # MathJax typesets after load; wait for it where the page has maths
        page.evaluate(
            """async () => {
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                    await MathJax.startup.promise;
                }
            }"""
        )
        return page, log

    yield _open
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter):
    if not REPORT:
        return
    write = terminalreporter.write_line
    write("")
    write(
        "Website pages (own content = HTML + its images, without shared theme assets)"
    )
    header = (
        f"{'page':<44} {'sliders':>7} {'own content':>12} "
        f"{'slowest update':>15} {'next frame':>11}"
    )
    write(header)
    write("-" * len(header))
    for page in sorted(REPORT):
        row = REPORT[page]
        weight, slowest = row.get("weight"), row.get("slowest_ms")
        frame = row.get("slowest_frame_ms")
        write(
            f"{page:<44} {row.get('sliders', '?')!s:>7} "
            f"{(f'{weight / 1e6:.3f} MB' if weight is not None else '?'):>12} "
            f"{(f'{slowest:.2f} ms' if slowest is not None else '-'):>15} "
            f"{(f'{frame:.1f} ms' if frame is not None else '-'):>11}"
        )
    write(
        "update: from the input event until the new frame is laid out (limit 16 ms); "
        "next frame: until the next requestAnimationFrame (depends on the vsync phase)"
    )
