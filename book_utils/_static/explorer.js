// The book's one explorer front-end: the controls and the figure of an
// explorer (book_utils/explorer.py).  An anywidget module: the notebook
// widget (book_utils/_widget.py) runs it against the kernel, and the website
// (book_build/_static/book-explorer.js) runs the very same module against a
// small object backed by the pre-rendered frames.  It talks to its model
// only through get, set, on("change:...") and save_changes:
//
//   spec      the controls (fixed): sliders {name, label, texts, play,
//             sample}, named points {label, at | to}, id, title, alt
//   index     the grid index of every slider (this module sets it)
//   image     the frame at index as a canvas (website), or else
//   still     the figure's still parts (PNG bytes) and
//   patches   [x, y, PNG bytes] boxes of the frame at index that differ
//             from them, and shown: the index they are for (the kernel)
//   geometry  the frame's size, CSS width, and the bound panels: a box in
//             image pixels and the pixel of each grid value of their sliders
//
// Controls: a range input per slider (label, read-out, aria-valuetext),
// -1/+1 and play/pause for sliders with play, a "New sample" button for
// sliders with sample, a button per named point, and pointer dragging on
// bound panels (the sliders remain the keyboard route).  The controls stick
// to the top of the screen while their figure is on it (at least until it is
// half out of view, see keepRoom).

const PLAY_MS = 650; // a frame shown at least this long while playing

function make(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  if (text !== null) node.textContent = text;
  return node;
}

function isBytes(image) {
  return image instanceof ArrayBuffer || ArrayBuffer.isView(image);
}

function render({ model, el }) {
  const spec = model.get("spec");
  const sliders = spec.sliders;
  const sizes = sliders.map((s) => s.texts.length);
  const strides = [];
  for (let i = sizes.length - 1, s = 1; i >= 0; s *= sizes[i], i--) strides[i] = s;
  let index = model.get("index").slice();
  let shownIndex = null; // the index of the frame on the canvas
  let playing = null; // {slider, timer}
  let paintToken = 0;

  el.classList.add("bx-root");
  const controls = make("div", {
    class: "bx-controls",
    role: "group",
    "aria-label": "Controls: " + spec.title,
  });
  const view = make("div", { class: "bx-view" });
  let canvas = make("canvas", {
    class: "bx-canvas",
    role: "img",
    "aria-label": spec.alt,
  });
  const overlays = make("div", { class: "bx-overlays", "aria-hidden": "true" });
  view.append(canvas, overlays);
  view.hidden = true;
  // room below the figure for the sticky controls (see keepRoom)
  const room = make("div", { class: "bx-room", "aria-hidden": "true" });
  // keys on a control are the control's: a notebook must not take them as
  // its shortcuts (JupyterLab reads keydown on its way up)
  controls.setAttribute("data-lm-suppress-shortcuts", "true");
  controls.addEventListener("keydown", (event) => event.stopPropagation());
  el.prepend(controls);
  el.append(view, room);
  const context = () => canvas.getContext("2d");

  // --- the sliders -------------------------------------------------------
  const rows = sliders.map((s, i) => {
    const id = `${spec.id}-${s.name}`;
    const row = make("div", { class: "bx-control" + (s.sample ? " bx-sample" : "") });
    const label = make("label", { for: id }, s.label);
    const output = make("output", { for: id, id: id + "-value" });
    const input = make("input", {
      type: "range",
      class: "bx-range",
      id,
      min: 0,
      max: sizes[i] - 1,
      step: 1,
      value: index[i],
    });
    input.addEventListener("input", () => {
      stop();
      move({ [i]: Number(input.value) });
    });
    const buttons = make("div", { class: "bx-buttons" });
    const parts = { row, input, output, label };
    if (s.sample) {
      // a seed: a button that draws the next sample; the range stays for
      // the keyboard and screen readers, out of the way
      input.classList.add("bx-seed");
      const again = make(
        "button",
        { type: "button", class: "bx-new-sample", "aria-label": `New sample: ${s.label}` },
        "New sample",
      );
      again.addEventListener("click", () => {
        stop();
        move({ [i]: (index[i] + 1) % sizes[i] });
      });
      buttons.append(again);
      parts.again = again;
    }
    if (s.play) {
      const back = make("button", { type: "button", class: "bx-step", "aria-label": `${s.label} −1` }, "−1");
      const play = make(
        "button",
        { type: "button", class: "bx-play", "aria-label": `Play ${s.label}`, "aria-pressed": "false" },
        "▶ Play",
      );
      const next = make("button", { type: "button", class: "bx-step", "aria-label": `${s.label} +1` }, "+1");
      back.addEventListener("click", () => {
        stop();
        move({ [i]: Math.max(0, index[i] - 1) });
      });
      next.addEventListener("click", () => {
        stop();
        move({ [i]: Math.min(sizes[i] - 1, index[i] + 1) });
      });
      play.addEventListener("click", () => (playing && playing.slider === i ? stop() : start(i)));
      buttons.append(back, play, next);
      Object.assign(parts, { back, play, next });
    }
    row.append(label, output, input);
    if (buttons.childElementCount) row.append(buttons);
    controls.append(row);
    return parts;
  });

  // --- named points ------------------------------------------------------
  if (spec.points.length) {
    const bar = make("div", { class: "bx-points" });
    for (const point of spec.points) {
      const moved = sliders
        .filter((_, i) => point.to || point.at[i] !== null)
        .map((s) => s.label)
        .join(" and ");
      const button = make(
        "button",
        { type: "button", class: "bx-point", "aria-label": `${point.label}: move ${moved} there` },
        point.label,
      );
      button.addEventListener("click", () => {
        stop();
        const to = {};
        if (point.to) {
          let flat = point.to[index.reduce((sum, x, i) => sum + x * strides[i], 0)];
          sizes.forEach((_, i) => {
            to[i] = Math.floor(flat / strides[i]);
            flat %= strides[i];
          });
        } else {
          point.at.forEach((x, i) => {
            if (x !== null) to[i] = x;
          });
        }
        move(to);
      });
      bar.append(button);
    }
    controls.append(bar);
  }

  function syncControls() {
    el.dataset.index = index.join(",");
    rows.forEach((r, i) => {
      const text = sliders[i].texts[index[i]];
      r.input.value = String(index[i]);
      r.input.setAttribute("aria-valuetext", text);
      r.output.textContent = sliders[i].sample ? `${text} (${index[i] + 1} of ${sizes[i]})` : text;
      if (r.back) r.back.disabled = index[i] === 0;
      if (r.next) r.next.disabled = index[i] === sizes[i] - 1;
      if (r.play) {
        const on = playing !== null && playing.slider === i;
        r.play.textContent = on ? "❚❚ Pause" : "▶ Play";
        r.play.setAttribute("aria-label", `${on ? "Pause" : "Play"} ${sliders[i].label}`);
        r.play.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
  }

  // changes: {slider: new index}
  function move(changes) {
    const next = index.slice();
    for (const [i, x] of Object.entries(changes)) next[Number(i)] = x;
    if (next.every((x, i) => x === index[i])) return;
    index = next;
    syncControls();
    model.set("index", index.slice());
    model.save_changes();
  }

  // --- play ----------------------------------------------------------------
  function start(i) {
    stop();
    if (index[i] >= sizes[i] - 1) move({ [i]: 0 });
    playing = { slider: i, timer: null };
    syncControls();
    playing.timer = setTimeout(tick, PLAY_MS);
  }
  function tick() {
    if (!playing) return;
    const i = playing.slider;
    if (!sameIndex(shownIndex, index)) {
      playing.timer = setTimeout(tick, 30); // wait until the frame shows
      return;
    }
    if (index[i] >= sizes[i] - 1) {
      stop();
      return;
    }
    move({ [i]: index[i] + 1 });
    if (index[i] >= sizes[i] - 1) {
      // the last frame: stop once it is shown
      const wait = () => (sameIndex(shownIndex, index) ? stop() : (playing.timer = setTimeout(wait, 30)));
      playing.timer = setTimeout(wait, 0);
      return;
    }
    playing.timer = setTimeout(tick, PLAY_MS);
  }
  function stop() {
    if (!playing) return;
    clearTimeout(playing.timer);
    playing = null;
    syncControls();
  }
  function sameIndex(a, b) {
    return a !== null && a.length === b.length && a.every((x, i) => x === b[i]);
  }

  // --- the figure ------------------------------------------------------------
  function drawn(source, at) {
    if (source instanceof HTMLCanvasElement) {
      // the website's frames are composed on a canvas of their own: show
      // that very canvas (no copy per frame)
      if (source !== canvas) {
        for (const name of ["class", "role", "aria-label"]) {
          source.setAttribute(name, canvas.getAttribute(name));
        }
        canvas.replaceWith(source);
        canvas = source;
      }
    } else if (source) {
      if (canvas.width !== source.width || canvas.height !== source.height) {
        canvas.width = source.width;
        canvas.height = source.height;
      }
      context().drawImage(source, 0, 0);
    }
    shownIndex = at;
    el.dataset.shown = at.join(",");
    if (view.hidden) {
      view.hidden = false;
      el.classList.add("bx-live");
      unclip();
      keepRoom();
    }
    el.dispatchEvent(new CustomEvent("bx-drawn", { bubbles: true }));
  }
  const bitmap = (bytes) => createImageBitmap(new Blob([bytes], { type: "image/png" }));
  let still = null; // [bytes, their bitmap]
  function paint() {
    // the kernel says which indices its patches show (it may lag behind)
    const at = (model.get("shown") || model.get("index")).slice();
    const token = ++paintToken;
    const image = model.get("image");
    if (image) {
      drawn(image, at);
      return;
    }
    const bytes = model.get("still");
    if (!bytes || !isBytes(bytes)) return;
    if (!still || still[0] !== bytes) still = [bytes, bitmap(bytes)];
    const parts = model.get("patches") || [];
    Promise.all([still[1], ...parts.map(([, , png]) => bitmap(png))]).then(([base, ...boxes]) => {
      if (token !== paintToken) return;
      if (canvas.width !== base.width || canvas.height !== base.height) {
        canvas.width = base.width;
        canvas.height = base.height;
      }
      const ctx = context();
      ctx.drawImage(base, 0, 0);
      boxes.forEach((box, k) => ctx.drawImage(box, parts[k][0], parts[k][1]));
      drawn(null, at);
    });
  }

  // Sticky controls stick within the nearest box that clips or scrolls its
  // overflow, so every box between them and the one that scrolls the page
  // (JupyterLab's output area, the website's cell output and article) clips
  // with "overflow: clip" instead, which sticky looks through.
  function unclip() {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      const scrolls = /(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight;
      if (scrolls) break;
      if (!/^(visible|clip)$/.test(style.overflowX) || !/^(visible|clip)$/.test(style.overflowY)) {
        box.style.overflow = "clip";
      }
    }
  }

  // Sticky controls cannot leave their explorer's box.  Where the figure is
  // short beside them (a notebook on a phone: the wide figure in a narrow
  // column), an empty strip below it leaves them room to stay on screen
  // until the figure is half out of view.  A strip below, rather than one
  // that overlaps what follows, because JupyterLab clips each cell to its
  // box (content-visibility).  Zero wherever the figure is tall enough.
  function keepRoom() {
    const fit = () => {
      const need = controls.offsetHeight + 8 - view.offsetHeight / 2;
      room.style.height = view.hidden || need <= 0 ? "0px" : `${Math.ceil(need)}px`;
    };
    fit();
    if (typeof ResizeObserver !== "undefined") {
      observer = new ResizeObserver(fit);
      observer.observe(controls);
      observer.observe(view);
    }
  }
  let observer = null;

  // --- dragging on a bound panel ----------------------------------------------
  function nearest(pixels, at) {
    let best = 0;
    pixels.forEach((p, k) => {
      if (Math.abs(p - at) < Math.abs(pixels[best] - at)) best = k;
    });
    return best;
  }
  function layout() {
    const geometry = model.get("geometry");
    if (!geometry) return;
    const [w, h] = geometry.size;
    view.style.maxWidth = `${geometry.css_width}px`;
    view.style.aspectRatio = `${w} / ${h}`;
    overlays.replaceChildren();
    for (const panel of geometry.panels) {
      const [x0, y0, x1, y1] = panel.box;
      const zone = make("div", { class: "bx-drag" + (panel.y === null ? " bx-drag-x" : "") });
      Object.assign(zone.style, {
        left: `${(100 * x0) / w}%`,
        top: `${(100 * y0) / h}%`,
        width: `${(100 * (x1 - x0)) / w}%`,
        height: `${(100 * (y1 - y0)) / h}%`,
      });
      const snap = (event) => {
        const r = view.getBoundingClientRect();
        const px = ((event.clientX - r.left) * w) / r.width;
        const py = ((event.clientY - r.top) * h) / r.height;
        const to = { [panel.x]: nearest(panel.xs, px) };
        if (panel.y !== null) to[panel.y] = nearest(panel.ys, py);
        move(to);
      };
      zone.addEventListener("pointerdown", (event) => {
        stop();
        zone.setPointerCapture(event.pointerId);
        zone.classList.add("bx-dragging");
        snap(event);
        event.preventDefault();
      });
      zone.addEventListener("pointermove", (event) => {
        if (zone.hasPointerCapture(event.pointerId)) snap(event);
      });
      const end = (event) => {
        zone.classList.remove("bx-dragging");
        if (zone.hasPointerCapture(event.pointerId)) zone.releasePointerCapture(event.pointerId);
      };
      zone.addEventListener("pointerup", end);
      zone.addEventListener("pointercancel", end);
      overlays.append(zone);
    }
  }

  model.on("change:image", paint);
  model.on("change:patches", paint);
  model.on("change:geometry", () => {
    layout();
    paint();
  });
  model.on("change:index", () => {
    const now = model.get("index");
    if (!sameIndex(now, index)) {
      index = now.slice();
      syncControls();
    }
  });
  syncControls();
  layout();
  paint();
  return () => {
    stop();
    if (observer) observer.disconnect();
  };
}

export default { render };
