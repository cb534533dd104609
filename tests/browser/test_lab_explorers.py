"""The explorers in a real JupyterLab, on the reader notebooks, with a kernel:
the same front-end module as the website (book_utils/_static/explorer.js), as
an anywidget.  Every kind of control changes the figure's pixels, a drag on a
bound panel moves the bound sliders, play advances and stops at the end, the
keyboard reaches every control, and on a 390 px phone the controls stay on
screen while the figure is scrolled half out of view.  Uses the JupyterLab
server of test_lab.py; needs Chromium (see conftest.py)."""

from __future__ import annotations

import explorer_checks as checks
import pytest
from test_lab import READERS, lab  # noqa: F401  (the JupyterLab fixture)

CH5 = next(p for p in READERS if p.name.startswith("05_"))
CH8 = next(p for p in READERS if p.name.startswith("08_how_the_peak"))
CH9 = next(p for p in READERS if p.name.startswith("09_how_sure"))


def _run_all(browser, lab, name, width=1280, height=900):  # noqa: F811
    """Open reader notebook `name` and run all its cells with JupyterLab's own
    command, once its kernel is ready; wait for the first live explorer."""
    base, token, served = lab
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=1
    )
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(
        """name => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            return !!(w && w.sessionContext && w.context
                      && w.context.path.endsWith(name));
        }""",
        arg=name,
        timeout=120_000,
    )
    if width < 600:  # a phone: the notebook takes the whole width
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        page.wait_for_timeout(500)
    page.evaluate(
        """async () => {
            const app = window.jupyterapp, panel = app.shell.currentWidget;
            await panel.context.ready;
            await panel.sessionContext.ready;
            await app.commands.execute('notebook:run-all-cells');
        }"""
    )
    try:
        page.wait_for_selector(".bx-root.bx-live", timeout=300_000)
    except Exception as error:
        raise AssertionError(
            f"no live explorer in {name} after Run All:\n{_state(page, served)}"
        ) from error
    return context, page


def _state(page, served) -> str:
    """What the notebook and the server were doing (for a failure message)."""
    state = page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const kernel = panel.sessionContext.session?.kernel;
            const prompts = [...document.querySelectorAll(
                '.jp-CodeCell .jp-InputPrompt')].map(e => e.innerText.trim());
            return {kernel: kernel ? kernel.status : 'none',
                    prompts: prompts.join(' ')};
        }"""
    )
    log = (served.parent / "lab.log").read_text().splitlines()[-30:]
    return f"kernel {state['kernel']}; prompts {state['prompts']}\n" + "\n".join(log)


def _root_with(page, selector):
    root = page.locator(".bx-root", has=page.locator(selector)).first
    root.wait_for(state="attached", timeout=600_000)
    page.wait_for_function(
        "e => e.classList.contains('bx-live')",
        arg=root.element_handle(),
        timeout=300_000,
    )
    root.scroll_into_view_if_needed()
    return root


def test_chapter_5_controls_in_jupyterlab(browser, lab):  # noqa: F811
    context, page = _run_all(browser, lab, CH5.name)
    try:
        loss = _root_with(page, ".bx-drag")
        checks.check_slider_keyboard(page, loss)
        checks.check_points(page, loss)
        checks.check_drag(page, loss)
        checks.check_keyboard_reaches_every_control(page, loss)
        page.screenshot(path=str(checks.shots_dir() / "lab-ch5-explorers.png"))
    finally:
        context.close()


def test_chapter_8_play_through_newton_in_jupyterlab(browser, lab):  # noqa: F811
    # Newton's path (chapter 5's before the optimisation chapter took it over)
    context, page = _run_all(browser, lab, CH8.name)
    try:
        newton = _root_with(page, "button.bx-play")
        checks.check_step_and_play(page, newton)
    finally:
        context.close()


def test_chapter_9_new_sample_and_play_in_jupyterlab(browser, lab):  # noqa: F811
    context, page = _run_all(browser, lab, CH9.name)
    try:
        sampling = _root_with(page, "button.bx-new-sample")
        checks.check_new_sample(page, sampling)
        checks.check_step_and_play(page, sampling)
    finally:
        context.close()


@pytest.mark.parametrize("width", [390])
def test_controls_stay_on_a_phone_in_jupyterlab(browser, lab, width):  # noqa: F811
    # JupyterLab shows the wide figure in a narrow column, shorter than its
    # controls: the front-end leaves a strip below it (explorer.js, keepRoom)
    context, page = _run_all(browser, lab, CH5.name, width=width, height=844)
    try:
        root = _root_with(page, ".bx-drag")
        checks.check_sticky(page, root)
    finally:
        context.close()
