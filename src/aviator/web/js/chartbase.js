// What every chart shares: theme colours (read from the page's CSS, so light and dark both work), the
// layout, readable ticks, and drawing only when a chart is on screen (off-screen charts wait).
import { fmtAxisX } from "./util.js";

export const CONFIG = { displayModeBar: false, responsive: true };
export const plotlyReady = () => typeof window.Plotly !== "undefined";

let colours = null;
const themeListeners = [];

/** The chart colours of the current theme. */
export function palette() {
  if (colours) return colours;
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  colours = {
    text: v("--text"),
    muted: v("--muted"),
    grid: v("--chart-grid"),
    axis: v("--chart-axis"),
    line: v("--chart-line"),
    accent: v("--accent-text"),
    house: v("--house"),
    good: v("--good"),
    bad: v("--bad"),
    warn: v("--warn"),
    card: v("--card"),
  };
  return colours;
}

/** Call `redraw` when the system switches between light and dark. */
export function onThemeChange(redraw) {
  themeListeners.push(redraw);
}

window.matchMedia("(prefers-color-scheme: light)").addEventListener("change", () => {
  colours = null;
  for (const redraw of themeListeners) redraw();
});

export function baseLayout(extra = {}) {
  const c = palette();
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: c.text, size: 11, family: "Inter, Segoe UI, system-ui, sans-serif" },
    margin: { l: 50, r: 12, t: 8, b: 40 },
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    hoverlabel: { bgcolor: c.card, bordercolor: c.axis, font: { color: c.text } },
    dragmode: false,
    ...extra,
  };
}

export function axis(extra = {}) {
  const c = palette();
  return { gridcolor: c.grid, zerolinecolor: c.grid, linecolor: c.axis, tickcolor: c.axis, fixedrange: true, ...extra };
}

export function emptyNote(text) {
  return { text, xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false, font: { color: palette().muted, size: 13 } };
}

/** A step of 1, 2 or 5 times a power of ten, at least 1, giving about `count` ticks over `span`. */
export function integerStep(span, count = 6) {
  const raw = Math.max(1, span / count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, Math.round(step));
}

/** An x axis of whole round numbers: never 1, 2, 2, 3 with few rounds. */
export function roundAxis(first, last, extra = {}) {
  const span = Math.max(1, last - first);
  return axis({ tickmode: "linear", tick0: 0, dtick: integerStep(span), tickformat: "d", ...extra });
}

const MULTIPLES = {
  fine: [1, 1.2, 1.5, 2, 3, 5, 7],
  normal: [1, 2, 5],
  coarse: [1],
};

/**
 * Log-axis ticks for multipliers from `low` to `high`: finer with a small range, powers of ten (every
 * second one when needed) with a wide one, so one huge value never piles labels up.
 */
export function multiplierTicks(low, high) {
  const lo = Math.max(1, low);
  const hi = Math.max(lo * 1.5, high);
  const decades = Math.log10(hi) - Math.log10(lo);
  const kind = decades <= 1.2 ? "fine" : decades <= 3.2 ? "normal" : "coarse";
  const every = decades > 7 ? 2 : 1;
  const values = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e += 1) {
    if (kind === "coarse" && e % every) continue;
    for (const m of MULTIPLES[kind]) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * 0.999 && v <= hi * 1.001) values.push(v);
    }
  }
  if (!values.length || values[0] > lo * 1.001) values.unshift(Number(lo.toPrecision(3)));
  return { tickvals: values, ticktext: values.map(fmtAxisX) };
}

// ---- drawing only what is on screen ----------------------------------------------------------

const onScreen = new WeakMap();
const waiting = new Map();
const watched = new WeakSet();

function flush(node) {
  const draw = waiting.get(node);
  if (draw && onScreen.get(node) && !document.hidden) {
    waiting.delete(node);
    draw();
  }
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      onScreen.set(entry.target, entry.isIntersecting);
      flush(entry.target);
    }
  },
  { rootMargin: "300px 0px" },
);

document.addEventListener("visibilitychange", () => {
  for (const node of [...waiting.keys()]) flush(node);
});

/** Run `draw` now if `node` is on (or near) the screen, else when it comes into view (latest wins). */
export function drawWhenVisible(node, draw) {
  waiting.set(node, draw);
  if (!watched.has(node)) {
    watched.add(node);
    observer.observe(node);
    return;
  }
  flush(node);
}
