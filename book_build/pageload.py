"""How quickly a page of the built site opens on a phone over a mobile network.

The set-up is the one the book's speed targets name: a 390 x 844 CSS px screen at
devicePixelRatio 3, a "fast 4G" link (9 Mbit/s down, 40 ms latency) and a CPU
four times slower than this machine's, with nothing cached and the site served
without compression by a plain local HTTP server.  Chromium imitates the link and
the CPU (DevTools' network and CPU throttling), so the figures compare pages and
builds with each other; they are not a real phone's.

Used by the browser test that bounds them (``tests/browser/test_pageload.py``)
and by ``make bench``, which reports them for every page.
"""

from __future__ import annotations

import dataclasses

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
FAST_4G = {
    "offline": False,
    "latency": 40,  # ms
    "downloadThroughput": 9e6 / 8,  # bytes per second
    "uploadThroughput": 1.5e6 / 8,
}
CPU_SLOWDOWN = 4

# first paint, the load event and the bytes of the page and everything it fetched
_TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-paint")[0]
             || performance.getEntriesByName("first-contentful-paint")[0];
  const resources = performance.getEntriesByType("resource");
  const bytes = resources.reduce((s, r) => s + r.encodedBodySize, nav.encodedBodySize);
  return {first_paint: paint ? paint.startTime : null,
          load: nav.loadEventStart, bytes: bytes, requests: resources.length + 1};
}"""


@dataclasses.dataclass
class PageLoad:
    page: str
    first_paint: float  # seconds from navigation start
    load: float  # seconds to the load event
    bytes: int  # body bytes of the page and all it fetched before the load event
    requests: int


def measure(browser, url: str, page: str) -> PageLoad:
    """Open ``url`` in a fresh phone context on the throttled link and CPU."""
    context = browser.new_context(**PHONE)
    try:
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", FAST_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        tab.goto(url, wait_until="load", timeout=120_000)
        t = tab.evaluate(_TIMINGS)
    finally:
        context.close()
    if t["first_paint"] is None:
        raise RuntimeError(f"{page}: the browser reported no first paint")
    return PageLoad(
        page, t["first_paint"] / 1e3, t["load"] / 1e3, int(t["bytes"]), t["requests"]
    )
