"""Checks of an explorer's controls in a browser, shared by the website's
tests and JupyterLab's: ``root`` is a Playwright locator of one explorer
(``.bx-root``, made by ``book_utils/_static/explorer.js``)."""

from __future__ import annotations

import time

NEXT_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
)


def settle(page, root, timeout=60.0):
    """Wait until the frame shown is that of the current indices (a kernel
    may take a moment), then for two animation frames; the figure's pixels."""
    root.wait_for(timeout=timeout * 1000)
    page.wait_for_function(
        "e => e.dataset.shown !== undefined && e.dataset.shown === e.dataset.index",
        arg=root.element_handle(),
        timeout=timeout * 1000,
    )
    page.evaluate(NEXT_FRAMES)
    # the figure's own pixels (a screenshot could catch the sticky controls
    # over part of it)
    return root.locator(".bx-view canvas.bx-canvas").evaluate("c => c.toDataURL()")


def picture(page, root):
    return settle(page, root)


def indices(root) -> list[int]:
    return [
        int(v)
        for v in root.locator("input.bx-range").evaluate_all(
            "els => els.map(e => e.value)"
        )
    ]


def check_slider_keyboard(page, root):
    slider = root.locator("input.bx-range:not(.bx-seed)").first
    before = picture(page, root)
    value, top = int(slider.input_value()), int(slider.get_attribute("max"))
    slider.focus()
    page.keyboard.press("ArrowRight" if value < top else "ArrowLeft")
    assert int(slider.input_value()) != value, "the keyboard did not move a slider"
    output = root.locator(f"#{slider.get_attribute('id')}-value")
    assert slider.get_attribute("aria-valuetext") == output.text_content()
    assert picture(page, root) != before, "moving a slider left the figure as it was"


def check_points(page, root):
    buttons = root.locator("button.bx-point")
    assert buttons.count() > 0
    # move away from the point first: the first slider to its start, the
    # others to their end (a point that depends on them then lies elsewhere)
    for k in range(root.locator("input.bx-range:not(.bx-seed)").count()):
        slider = root.locator("input.bx-range:not(.bx-seed)").nth(k)
        slider.focus()
        page.keyboard.press("Home" if k == 0 else "End")
    before_idx = indices(root)
    before = picture(page, root)
    buttons.first.click()
    after_idx = indices(root)
    if after_idx == before_idx:
        # the point may lie where the sliders were put (an "MLE (lambda = 0)"
        # at the first slider's start): from the first slider's end, it must move
        first = root.locator("input.bx-range:not(.bx-seed)").first
        first.focus()
        page.keyboard.press("End")
        before_idx = indices(root)
        before = picture(page, root)
        buttons.first.click()
        after_idx = indices(root)
    assert after_idx != before_idx, "the named point did not move the sliders"
    after = picture(page, root)
    assert after != before, (
        f"the named point left the figure as it was ({before_idx} -> {after_idx})"
    )


def check_step_and_play(page, root, timeout=60.0):
    play = root.locator("button.bx-play").first
    row = play.locator(
        "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' bx-control ')][1]"
    )
    slider = row.locator("input.bx-range")
    top = int(slider.get_attribute("max"))
    slider.focus()
    page.keyboard.press("Home")
    before = picture(page, root)
    row.locator("button.bx-step").nth(1).click()  # +1
    assert int(slider.input_value()) == 1
    assert picture(page, root) != before, "+1 left the figure as it was"
    row.locator("button.bx-step").nth(0).click()  # -1
    assert int(slider.input_value()) == 0
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    seen = {0}
    deadline = time.monotonic() + timeout
    while play.get_attribute("aria-pressed") == "true" and time.monotonic() < deadline:
        seen.add(int(slider.input_value()))
        page.wait_for_timeout(100)
    assert play.get_attribute("aria-pressed") == "false", "play did not stop"
    assert int(slider.input_value()) == top, "play stopped before the end"
    assert len(seen) >= min(top, 3), f"play skipped frames: saw {sorted(seen)}"
    assert picture(page, root) != before


def check_new_sample(page, root):
    button = root.locator("button.bx-new-sample").first
    before_idx, before = indices(root), picture(page, root)
    button.click()
    assert indices(root) != before_idx
    assert picture(page, root) != before, "a new sample left the figure as it was"


def check_drag(page, root):
    """A pointer drag across a bound panel moves its slider(s) and the figure."""
    zone = root.locator(".bx-drag").first
    zone.scroll_into_view_if_needed()
    box = zone.bounding_box()
    start_idx, before = indices(root), picture(page, root)
    page.mouse.move(box["x"] + 0.1 * box["width"], box["y"] + 0.9 * box["height"])
    page.mouse.down()
    page.mouse.move(
        box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"], steps=8
    )
    page.mouse.up()
    moved = indices(root)
    assert moved != start_idx, "dragging on the bound panel moved no slider"
    assert picture(page, root) != before, "dragging left the figure as it was"
    return start_idx, moved


def check_keyboard_reaches_every_control(page, root):
    controls = root.locator(".bx-controls button, .bx-controls input:not(.bx-seed)")
    ids = controls.evaluate_all(
        "els => els.map((e, k) => { e.dataset.bxk = String(k); return k; })"
    )
    names = controls.evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || (e.labels && e.labels[0] "
        "&& e.labels[0].textContent))"
    )
    assert all(names), f"a control has no accessible name: {names}"
    assert len(set(names)) == len(names), f"controls share a name: {names}"
    root.locator(".bx-controls").evaluate("e => e.scrollIntoView({block: 'center'})")
    first = controls.first
    first.focus()
    reached = set()
    for _ in range(3 * len(ids) + 5):
        k = page.evaluate(
            "() => document.activeElement && document.activeElement.dataset.bxk"
        )
        if k is not None:
            reached.add(int(k))
        page.keyboard.press("Tab")
    disabled = set(
        controls.evaluate_all("els => els.flatMap((e, k) => e.disabled ? [k] : [])")
    )
    assert set(ids) - disabled <= reached, f"Tab skipped controls {set(ids) - reached}"


def check_sticky(page, root):
    """With the figure scrolled half out of view, its controls are on screen."""
    view = root.evaluate(
        """e => {
            let box = e.parentElement;
            while (box && !(/(auto|scroll)/.test(getComputedStyle(box).overflowY)
                            && box.scrollHeight > box.clientHeight)) {
                box = box.parentElement;
            }
            const scroller = box || document.scrollingElement;
            const top = box ? box.getBoundingClientRect().top : 0;
            const bottom = box ? box.getBoundingClientRect().bottom : window.innerHeight;
            const fig = e.querySelector('.bx-view').getBoundingClientRect();
            scroller.scrollBy(0, fig.top - top + fig.height / 2);
            return [top, bottom];
        }"""
    )
    page.evaluate(NEXT_FRAMES)
    top, bottom = view
    figure = root.locator(".bx-view").bounding_box()
    controls = root.locator(".bx-controls").bounding_box()
    assert figure["y"] < top < figure["y"] + figure["height"], f"not half out: {figure}"
    assert (
        top - 0.5 <= controls["y"] and controls["y"] + controls["height"] <= bottom
    ), f"controls left the screen ({top}-{bottom}): {controls}"


def shots_dir():
    import pathlib

    path = (
        pathlib.Path(__file__).resolve().parents[2] / "_build" / "explorer-screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path
