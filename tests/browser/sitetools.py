"""What the browser tests share: where the site is, its pages, the report."""

from __future__ import annotations

import os
import pathlib
import re
import shutil

from toc import toc_files  # noqa: F401  (re-exported for the browser tests)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The screens pages are opened on: (width, height, devicePixelRatio).
SCREENS = {
    "desktop": (1280, 900, 1),
    "desktop2x": (1280, 900, 2),
    "phone": (390, 844, 2),
}
# What the measurements table (printed at the end of the run) collects, and
# where each run adds it (`make browser-tests` starts the file afresh).
REPORT: dict[str, dict] = {}
REPORT_FILE = SITE.parent / "browser-report.json"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def site_pages() -> list[str]:
    """Every HTML page of the built site (paths relative to _build/html)."""
    if not SITE.is_dir():
        return []
    skip = {"_static", "_sources", "_images", "reports"}
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not (set(p.relative_to(SITE).parts) & skip)
    )


REFRESH = re.compile(
    r"""<meta\s+http-equiv=["']?refresh["']?\s+content=["']?\d+;\s*url=([^"'>\s]+)""",
    re.I,
)


def redirect_target(page: str) -> str | None:
    """Where a redirect page (``<meta http-equiv="Refresh">``) sends readers."""
    match = REFRESH.search((SITE / page).read_text(encoding="utf8", errors="replace"))
    if match is None:
        return None
    return (pathlib.PurePosixPath(page).parent / match.group(1)).as_posix()
