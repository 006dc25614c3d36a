// The live charts: the forecast curve against the game's odds, the recent multipliers and calibration.
import { CONFIG, axis, baseLayout, emptyNote, multiplierTicks, palette, plotlyReady, roundAxis } from "./chartbase.js";
import { fmtPct } from "./util.js";

export const HISTORY_POINTS = 500;
const THRESHOLD_COLORS = ["#4f8cff", "#2ecc8f", "#f5b94a", "#c77dff", "#f2545b"];
const THRESHOLD_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x"];

// ---- forecast curve ------------------------------------------------------------------------

/** P(M >= x) of the model and of the game on the grid, your target marked with both figures. */
export function drawCurve(node, { grid, survival, rtp, target, model, pModel, pHouse }) {
  if (!plotlyReady() || !Array.isArray(grid) || !grid.length) return;
  const c = palette();
  const house = grid.map((x) => (x <= 1 ? 1 : Math.min(1, rtp / x)));
  const traces = [
    {
      x: grid,
      y: house,
      name: `game's odds (${rtp} ÷ x)`,
      mode: "lines",
      line: { color: c.house, dash: "dash", width: 1.5 },
      hovertemplate: "reach %{x:.2f}×: %{y:.1%}<extra>game's odds</extra>",
    },
  ];
  if (Array.isArray(survival) && survival.length === grid.length && model !== "house") {
    traces.push({
      x: grid,
      y: survival,
      name: model,
      mode: "lines",
      line: { color: c.accent, width: 2.5 },
      hovertemplate: `reach %{x:.2f}×: %{y:.1%}<extra>${model}</extra>`,
    });
  }
  traces.push({
    x: [target, target],
    y: [pHouse, pModel],
    name: "your target",
    mode: "markers",
    marker: { color: c.warn, size: 9, symbol: ["circle-open", "circle"], line: { width: 2, color: c.warn } },
    hovertemplate: "your target %{x:.2f}×: %{y:.1%}<extra></extra>",
    showlegend: false,
  });
  const layout = baseLayout({
    xaxis: axis({ type: "log", title: { text: "multiplier", standoff: 6 }, range: [0, 3], ...multiplierTicks(1, 1000) }),
    yaxis: axis({ range: [0, 1.02], tickformat: ".0%", title: { text: "chance to reach it", standoff: 4 } }),
    shapes: [
      { type: "line", xref: "x", yref: "paper", x0: target, x1: target, y0: 0, y1: 1, line: { color: c.warn, width: 1.5, dash: "dot" } },
    ],
    annotations: [
      {
        x: Math.log10(target),
        y: 0.98,
        xref: "x",
        yref: "paper",
        text: `your target ${target.toFixed(2)}×: ${fmtPct(pModel)}`,
        showarrow: false,
        xanchor: "left",
        xshift: 4,
        font: { color: c.warn, size: 11 },
      },
    ],
  });
  window.Plotly.react(node, traces, layout, CONFIG);
}

// ---- recent multipliers ----------------------------------------------------------------------

function targetShape(target) {
  return { type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: target, y1: target, line: { color: palette().warn, width: 1.5, dash: "dot" } };
}

/** Draw the last HISTORY_POINTS rounds: colour and shape both say whether each reached the target. */
export function drawHistory(node, rounds, target) {
  if (!plotlyReady()) return;
  const c = palette();
  const held = rounds.slice(-HISTORY_POINTS);
  const ys = held.map((r) => r.multiplier);
  const reached = ys.map((m) => m >= target);
  const trace = {
    x: held.map((r) => r.stream_seq),
    y: ys,
    name: "multiplier",
    mode: "lines+markers",
    line: { color: c.line, width: 1 },
    marker: {
      size: 6,
      color: reached.map((hit) => (hit ? c.good : c.bad)),
      symbol: reached.map((hit) => (hit ? "triangle-up" : "triangle-down")),
    },
    hovertemplate: "round #%{x}: %{y:.2f}×<extra></extra>",
    showlegend: false,
  };
  const low = ys.length ? Math.min(...ys, target) : 1;
  const high = ys.length ? Math.max(...ys, target) : Math.max(10, target * 2);
  const first = held.length ? held[0].stream_seq : 0;
  const last = held.length ? held[held.length - 1].stream_seq : 10;
  const layout = baseLayout({
    showlegend: false,
    margin: { l: 50, r: 12, t: 10, b: 36 },
    xaxis: roundAxis(first, last, { title: { text: "round", standoff: 4 }, range: [first - 0.5, last + 0.5] }),
    yaxis: axis({
      type: "log",
      title: { text: "crashed at", standoff: 4 },
      tickmode: "array",
      range: [Math.log10(Math.max(1, low * 0.95)), Math.log10(high * 1.15)],
      ...multiplierTicks(low, high),
    }),
    shapes: [targetShape(target)],
    annotations: held.length ? [] : [emptyNote("No rounds yet")],
  });
  window.Plotly.react(node, [trace], layout, CONFIG);
}

// ---- calibration ------------------------------------------------------------------------------

/** The chance given against how often it happened, per bin and threshold, with the diagonal. */
export function drawCalibration(node, rows, model) {
  if (!plotlyReady()) return;
  const c = palette();
  const byThreshold = new Map();
  for (const row of rows || []) {
    if (!row || !row.count || row.predicted === null || row.observed === null) continue;
    if (!byThreshold.has(row.threshold)) byThreshold.set(row.threshold, []);
    byThreshold.get(row.threshold).push(row);
  }
  const traces = [
    { x: [0, 1], y: [0, 1], mode: "lines", name: "came true exactly", line: { color: c.house, dash: "dash", width: 1 }, hoverinfo: "skip" },
  ];
  [...byThreshold.entries()].forEach(([threshold, points], i) => {
    const colour = THRESHOLD_COLORS[i % THRESHOLD_COLORS.length];
    traces.push({
      x: points.map((p) => p.predicted),
      y: points.map((p) => p.observed),
      customdata: points.map((p) => p.count),
      mode: "markers+lines",
      name: `reach ${threshold}×`,
      line: { width: 1, color: colour },
      marker: { size: points.map((p) => Math.min(18, 5 + Math.sqrt(p.count) / 2)), color: colour, symbol: THRESHOLD_SYMBOLS[i % THRESHOLD_SYMBOLS.length] },
      hovertemplate: "chance given %{x:.1%}, happened %{y:.1%} (%{customdata} rounds)<extra></extra>",
    });
  });
  const layout = baseLayout({
    margin: { l: 52, r: 12, t: 8, b: 40 },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)", font: { size: 10 } },
    xaxis: axis({ range: [0, 1], tickformat: ".0%", title: { text: "chance the model gave", standoff: 4 } }),
    yaxis: axis({ range: [0, 1], tickformat: ".0%", title: { text: "how often it happened", standoff: 4 } }),
    annotations: byThreshold.size ? [] : [emptyNote(`No scored forecasts of ${model || "this model"} yet`)],
  });
  window.Plotly.react(node, traces, layout, CONFIG);
}
