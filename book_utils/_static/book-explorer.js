/* The book's kernel-free explorers (see book_utils/explorer.py, static_html).
 *
 * Every frame was drawn at build time by the explorer's own Python setup/update
 * functions, at two image pixels per CSS pixel, in layouts for wide and narrow
 * screens (div.bx-figure, one shown).  A layout's frames come in three layers
 * of lossless WebP: the background, a sheet (what all frames along the slider
 * data-axis share, one per combination of the other sliders' values) and the
 * frame itself (what differs from its sheet), each cut into boxes.  This script
 * picks the layout whose smallest text shows at MIN_TEXT_PX CSS pixels or more,
 * fetches that layout's layers (one file, data-src) when the figure nears the
 * screen, and draws the layers of the current slider values.  It computes
 * nothing about the figure itself.  A layer is one image of boxes stacked top
 * to bottom (data-layers: offset and length in the file, and the boxes'
 * places in the frame); img.bx-start is the starting frame, for a page
 * without this script.
 *
 * The layers are drawn at their exact pixel positions on a canvas of the
 * frames' own size, which the page then scales as one picture (layers placed
 * as separate images would each be snapped to device pixels on their own and
 * drift apart by a pixel).
 *
 * Memory: a layer is decoded only when drawn, or when it belongs to a frame
 * one step away along a slider of the explorer the reader moved last
 * (decoded ahead so the next step paints at once); the images the script
 * holds are the hidden img.bx-pool in the figure.  Every layer is loaded (not
 * decoded) up front as a blob, so drawing any frame, even at the far end of a
 * slider, happens at once, in the input event.
 */
(function () {
  "use strict";

  const MIN_TEXT_PX = 9;
  let active = null; // the explorer the reader moved last

  function fromBase64(text) {
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }

  function makeView(div) {
    const layers = JSON.parse(div.dataset.layers);
    return {
      div,
      layers,
      w: layers[0][2][0][2],
      h: layers[0][2][0][3],
      axis: Number(div.dataset.axis),
      sheets: Number(div.dataset.sheets),
      width: Number(div.dataset.width),
      textPx: Number(div.dataset.textPx),
      imgs: Array.from(div.querySelectorAll("img.bx-start")),
      pool: new Map(),
      free: [],
      canvas: null,
      ctx: null,
      shown: null,
      urls: null,
      held: null,
      loading: null,
      ready: false,
    };
  }

  function load(view) {
    if (!view.loading) {
      const src = view.div.dataset.src;
      const bytes = src
        ? fetch(src).then((r) => {
            if (!r.ok) throw new Error("explorer frames: " + src + " " + r.status);
            return r.arrayBuffer();
          })
        : Promise.resolve(fromBase64(view.div.dataset.pack || ""));
      view.loading = bytes
        .then((buffer) => {
          view.urls = view.layers.map(([offset, length]) =>
            length
              ? URL.createObjectURL(
                  new Blob([new Uint8Array(buffer, offset, length)], {
                    type: "image/webp",
                  }),
                )
              : null,
          );
          // load (not decode) every layer, so that showing any one is immediate
          view.held = view.urls.map((url) => {
            if (!url) return null;
            const img = new Image();
            img.src = url;
            return img;
          });
          return Promise.all(
            view.held.map((img) =>
              img && !img.complete
                ? new Promise((done) => {
                    img.onload = img.onerror = done;
                  })
                : null,
            ),
          );
        })
        .then(() => {
          view.ready = true;
        });
    }
    return view.loading;
  }

  // The hidden images that hold the layers drawn or decoded ahead: created
  // once and reused (no elements added or removed while a slider moves).
  function poolImage(view, n) {
    let img = view.pool.get(n);
    if (!img) {
      img = view.free.pop();
      if (!img) {
        img = document.createElement("img");
        img.className = "bx-pool";
        img.alt = "";
        img.hidden = true;
        view.div.appendChild(img);
      }
      img.src = view.urls[n];
      view.pool.set(n, img);
    }
    return img;
  }

  function keepOnly(view, wanted) {
    for (const [n, img] of view.pool) {
      if (!wanted.has(n)) {
        img.removeAttribute("src");
        view.pool.delete(n);
        view.free.push(img);
      }
    }
  }

  // Draws the layers `now` (background, sheet, frame) over what the canvas
  // shows (view.shown): only inside the boxes of the layers that change.
  function draw(view, now) {
    const ctx = view.ctx;
    const was = view.shown;
    let dirty = [];
    for (let j = 0; j < now.length; j++) {
      if (!was || was[j] !== now[j]) {
        if (was) dirty = dirty.concat(view.layers[was[j]][2]);
        dirty = dirty.concat(view.layers[now[j]][2]);
      }
    }
    if (!was) dirty = [[0, 0, view.w, view.h]];
    for (const n of now) {
      const [, length, boxes] = view.layers[n];
      if (!length) continue;
      const img = poolImage(view, n);
      let top = 0;
      for (const [x, y, w, h] of boxes) {
        for (const [dx, dy, dw, dh] of dirty) {
          const x0 = Math.max(x, dx);
          const y0 = Math.max(y, dy);
          const x1 = Math.min(x + w, dx + dw);
          const y1 = Math.min(y + h, dy + dh);
          if (x1 > x0 && y1 > y0) {
            ctx.drawImage(img, x0 - x, top + y0 - y, x1 - x0, y1 - y0, x0, y0, x1 - x0, y1 - y0);
          }
        }
        top += h;
      }
    }
    view.shown = now;
  }

  function init(fig) {
    const inputs = Array.from(fig.querySelectorAll("input.bx-range"));
    const sizes = inputs.map((input) => Number(input.max) + 1);
    const labels = inputs.map((input) => JSON.parse(input.dataset.labels));
    const outputs = inputs.map((input) => document.getElementById(input.id + "-value"));
    const strides = [];
    for (let i = inputs.length - 1, s = 1; i >= 0; s *= sizes[i], i--) strides[i] = s;
    const views = Array.from(fig.querySelectorAll(".bx-figure")).map(makeView);
    let view = null;
    let near = false;

    const values = () => inputs.map((input) => Number(input.value));
    function layersOf(v) {
      let sheet = 0;
      let frame = 0;
      v.forEach((x, i) => {
        frame += x * strides[i];
        if (i !== view.axis) sheet = sheet * sizes[i] + x;
      });
      return [0, 1 + sheet, 1 + view.sheets + frame];
    }

    function show() {
      if (!view.ready) return;
      const v = values();
      const now = layersOf(v);
      if (!view.canvas) {
        const canvas = document.createElement("canvas");
        canvas.className = "bx-canvas";
        canvas.width = view.w;
        canvas.height = view.h;
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", view.imgs[0].alt);
        view.div.appendChild(canvas);
        view.canvas = canvas;
        view.ctx = canvas.getContext("2d");
        view.imgs.forEach((img) => {
          img.hidden = true;
          img.removeAttribute("src");
        });
      }
      const wanted = new Set(now);
      draw(view, now);
      if (active === controller) {
        // decode the layers of the frames one step away along each slider
        v.forEach((x, i) => {
          for (const to of [x - 1, x + 1]) {
            if (to < 0 || to >= sizes[i] || to === x) continue;
            const u = v.slice();
            u[i] = to;
            for (const n of layersOf(u)) {
              if (view.layers[n][1] && !wanted.has(n)) {
                wanted.add(n);
                const img = poolImage(view, n);
                if (img.decode) img.decode().catch(() => {});
              }
            }
          }
        });
      }
      keepOnly(view, wanted);
      fig.classList.add("bx-loaded");
    }

    function start() {
      load(view).then(() => {
        if (view.ready) show();
      });
    }

    function pick() {
      const room = fig.clientWidth;
      let best = null;
      let bestText = -1;
      for (const candidate of views) {
        const text = candidate.textPx * Math.min(1, room / candidate.width);
        if (text >= MIN_TEXT_PX) {
          best = candidate;
          break;
        }
        if (text > bestText) {
          best = candidate;
          bestText = text;
        }
      }
      if (best === view) return;
      for (const candidate of views) {
        const on = candidate === best;
        candidate.div.classList.toggle("bx-shown", on);
        if (!on) {
          candidate.imgs.forEach((img) => img.removeAttribute("src"));
          keepOnly(candidate, new Set());
        }
      }
      view = best;
      view.shown = null;
      fig.classList.remove("bx-loaded");
      if (near) start();
    }

    const controller = {
      pick,
      drop() {
        // only the layers on show stay decoded
        if (view.ready) keepOnly(view, new Set(layersOf(values())));
      },
    };

    // The explorer a reader is about to move decodes its neighbours ahead
    // (on focus or touch, before the first input event).
    function activate() {
      if (active === controller) return;
      if (active) active.drop();
      active = controller;
      if (view.ready) show();
    }
    inputs.forEach((input, i) => {
      input.addEventListener("focus", activate);
      input.addEventListener("pointerdown", activate);
      input.addEventListener("input", () => {
        const text = labels[i][Number(input.value)];
        input.setAttribute("aria-valuetext", text);
        outputs[i].textContent = text;
        activate();
        if (view.ready) show();
        else {
          near = true;
          start();
        }
      });
    });
    pick();
    fig.classList.add("bx-ready");
    if ("IntersectionObserver" in window) {
      const watch = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            watch.disconnect();
            near = true;
            start();
          }
        },
        { rootMargin: "800px 0px" },
      );
      watch.observe(fig);
    } else {
      near = true;
      start();
    }
    return controller;
  }

  function initAll() {
    const controllers = Array.from(document.querySelectorAll("figure.bx")).map(init);
    let queued = false;
    window.addEventListener("resize", () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        controllers.forEach((c) => c.pick());
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
