/* The website's explorers: the book's one explorer front-end
 * (explorer.js, the module the notebook widget runs) on frames drawn at build
 * time (book_build/static_explorer.py), with no kernel.
 *
 * Each figure.bx gets a small model with the four methods the front-end
 * uses (get, set, on, save_changes).  Its "image" is a canvas on which this
 * script puts together the frame of the current slider indices; its
 * "geometry" is that of the layout on show.
 *
 * Every frame was drawn by the explorer's own Python setup/update functions,
 * at two image pixels per CSS pixel, in layouts for wide and narrow screens
 * (div.bx-figure).  A layout's frames come in three layers of lossless WebP:
 * the background, a sheet (what all frames along the slider data-axis share,
 * one per combination of the other sliders' values) and the frame itself
 * (what differs from its sheet), each cut into boxes.  This script picks the
 * layout whose smallest text shows at MIN_TEXT_PX CSS pixels or more,
 * fetches that layout's layers (one file, data-src) when the figure nears
 * the screen, and draws the layers of the current indices, only inside the
 * boxes that change.  A layer is one image of boxes stacked top to bottom
 * (data-layers: offset and length in the file, and the boxes' places in the
 * frame); img.bx-start is the starting frame, for a page without this script.
 *
 * Memory: a layer is decoded only when drawn, or when it belongs to a frame
 * one step further along the slider(s) last moved, in the way they moved, in
 * the explorer moved last (decoded ahead so
 * the next step paints at once); the images held are the hidden img.bx-pool.
 * Every layer is loaded (not decoded) up front as a blob.
 */
import explorer from "./explorer.js";

const MIN_TEXT_PX = 9;
let active = null; // the model of the explorer moved last

function makeView(div) {
  const layers = JSON.parse(div.dataset.layers);
  return {
    div,
    layers,
    geometry: JSON.parse(div.dataset.geometry),
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
    view.loading = fetch(src)
      .then((r) => {
        if (!r.ok) throw new Error("explorer frames: " + src + " " + r.status);
        return r.arrayBuffer();
      })
      .then((buffer) => {
        view.urls = view.layers.map(([offset, length]) =>
          length
            ? URL.createObjectURL(
                new Blob([new Uint8Array(buffer, offset, length)], { type: "image/webp" }),
              )
            : null,
        );
        // load (not decode) every layer, so that showing any one is immediate
        // (held for the page's life: an image made later from the same blob
        // is then complete at once, so any frame draws in its event)
        const held = (view.held = view.urls.map((url) => {
          if (!url) return null;
          const img = new Image();
          img.src = url;
          return img;
        }));
        return Promise.all(
          held.map((img) =>
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

// The hidden images that hold the layers drawn or decoded ahead: created once
// and reused (no elements added or removed while a slider moves).
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

// Draws the layers `now` (background, sheet, frame) over what the view's
// canvas shows (view.shown): only inside the boxes of the layers that change.
function draw(view, now) {
  if (!view.canvas) {
    view.canvas = document.createElement("canvas");
    view.canvas.width = view.w;
    view.canvas.height = view.h;
    view.shown = null;
  }
  const ctx = view.canvas.getContext("2d");
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

// The model of one figure.bx: what the front-end reads and sets.
class PageModel {
  constructor(fig) {
    this.fig = fig;
    this.spec = JSON.parse(fig.dataset.spec);
    this.sizes = this.spec.sliders.map((s) => s.texts.length);
    this.index = this.spec.start.slice();
    this.views = Array.from(fig.querySelectorAll(".bx-figure")).map(makeView);
    this.view = null;
    this.near = false;
    this.listeners = new Map();
    this.strides = [];
    for (let i = this.sizes.length - 1, s = 1; i >= 0; s *= this.sizes[i], i--) {
      this.strides[i] = s;
    }
  }
  get(name) {
    if (name === "spec") return this.spec;
    if (name === "index") return this.index;
    if (name === "geometry") return this.view ? this.view.geometry : null;
    if (name === "image") return this.view && this.view.ready ? this.view.canvas : null;
    return undefined;
  }
  set(name, value) {
    if (name !== "index") return;
    // decode ahead along the sliders this change moved (all, at first)
    // and on in the same direction (a slider is mostly moved one way)
    this.moved = new Map(
      value.flatMap((x, i) => (x !== this.index[i] ? [[i, Math.sign(x - this.index[i])]] : [])),
    );
    this.index = value.slice();
    if (active !== this) {
      if (active) active.drop();
      active = this;
    }
    this.emit("change:index");
    if (this.view.ready) this.show();
    else this.start();
  }
  save_changes() {}
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, []);
    this.listeners.get(event).push(callback);
  }
  emit(event) {
    for (const callback of this.listeners.get(event) || []) callback();
  }
  layersOf(v) {
    let sheet = 0;
    let frame = 0;
    v.forEach((x, i) => {
      frame += x * this.strides[i];
      if (i !== this.view.axis) sheet = sheet * this.sizes[i] + x;
    });
    return [0, 1 + sheet, 1 + this.view.sheets + frame];
  }
  show() {
    const view = this.view;
    const now = this.layersOf(this.index);
    draw(view, now);
    const wanted = new Set(now);
    if (active === this) {
      // decode the layers of the frames one step away along each slider
      this.index.forEach((x, i) => {
        const all = !this.moved || !this.moved.size;
        if (!all && !this.moved.has(i)) return;
        for (const to of all ? [x - 1, x + 1] : [x + this.moved.get(i)]) {
          if (to < 0 || to >= this.sizes[i]) continue;
          const u = this.index.slice();
          u[i] = to;
          for (const n of this.layersOf(u)) {
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
    this.emit("change:image");
    this.fig.classList.add("bx-loaded");
  }
  drop() {
    // only the layers on show stay decoded
    if (this.view.ready) keepOnly(this.view, new Set(this.layersOf(this.index)));
  }
  start() {
    this.near = true;
    const view = this.view;
    load(view).then(() => {
      if (view === this.view) this.show();
    });
  }
  pick() {
    const room = this.fig.clientWidth;
    let best = null;
    let bestText = -1;
    for (const candidate of this.views) {
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
    if (best === this.view) return;
    for (const candidate of this.views) {
      const on = candidate === best;
      candidate.div.classList.toggle("bx-shown", on);
      if (!on) {
        keepOnly(candidate, new Set());
        candidate.canvas = null;
      }
    }
    this.view = best;
    this.fig.classList.remove("bx-loaded");
    this.emit("change:geometry");
    if (this.near) this.start();
  }
}

function init(fig) {
  const model = new PageModel(fig);
  model.pick();
  explorer.render({ model, el: fig });
  fig.classList.add("bx-ready");
  if ("IntersectionObserver" in window) {
    const watch = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          watch.disconnect();
          model.start();
        }
      },
      { rootMargin: "800px 0px" },
    );
    watch.observe(fig);
  } else {
    model.start();
  }
  return model;
}

function initAll() {
  const models = Array.from(document.querySelectorAll("figure.bx")).map(init);
  let queued = false;
  window.addEventListener("resize", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      models.forEach((m) => m.pick());
    });
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", initAll);
} else {
  initAll();
}
