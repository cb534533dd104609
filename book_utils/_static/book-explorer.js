/* The book's kernel-free explorers (see book_utils/explorer.py, static_html).
 *
 * Every frame was drawn at build time by the explorer's own Python setup/update
 * functions and embedded in the page as PNG sprite sheets: one <img> per
 * combination of the values of all sliders but one (figure's data-axis), each
 * holding the frames along that slider on a data-cols x data-rows grid.  This
 * script only picks the sheet and shifts it so the frame of the current values
 * shows; it computes nothing about the figure itself.
 */
(function () {
  "use strict";

  function init(fig) {
    const inputs = Array.from(fig.querySelectorAll("input.bx-range"));
    const sheets = Array.from(fig.querySelectorAll("img.bx-sheet"));
    const axis = Number(fig.dataset.axis);
    const cols = Number(fig.dataset.cols);
    const rows = Number(fig.dataset.rows);
    const sizes = inputs.map((input) => Number(input.max) + 1);
    const labels = inputs.map((input) => JSON.parse(input.dataset.labels));
    const outputs = inputs.map((input) => document.getElementById(input.id + "-value"));
    let shown = sheets.find((img) => img.classList.contains("bx-on")) || sheets[0];

    function show() {
      let sheet = 0;
      for (let i = 0; i < inputs.length; i++) {
        if (i !== axis) sheet = sheet * sizes[i] + Number(inputs[i].value);
      }
      const at = Number(inputs[axis].value);
      const img = sheets[sheet];
      const x = -100 * (at % cols) / cols;
      const y = -100 * Math.floor(at / cols) / rows;
      img.style.transform = "translate(" + x + "%," + y + "%)";
      if (img !== shown) {
        img.classList.add("bx-on");
        shown.classList.remove("bx-on");
        shown = img;
      }
    }

    inputs.forEach((input, i) => {
      input.addEventListener("input", () => {
        const text = labels[i][Number(input.value)];
        input.setAttribute("aria-valuetext", text);
        outputs[i].textContent = text;
        show();
      });
    });
    // Decode every sheet once the figure comes near the screen, so that
    // switching sheets then paints at once (and pages with many explorers do
    // not decode them all up front).
    const decodeAll = () =>
      sheets.forEach((img) => {
        if (img.decode) img.decode().catch(() => {});
      });
    if ("IntersectionObserver" in window) {
      const watch = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            watch.disconnect();
            decodeAll();
          }
        },
        { rootMargin: "800px 0px" },
      );
      watch.observe(fig);
    } else {
      decodeAll();
    }
    fig.classList.add("bx-ready");
  }

  function initAll() {
    document.querySelectorAll("figure.bx").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
