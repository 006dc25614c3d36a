// The three plotly charts: forecast curve, recent multipliers (bounded, streaming) and calibration.

export const HISTORY_POINTS = 500;
const MULTIPLIER_TICKS = [1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

const COLORS = {
  text: "#c7cfdd",
  muted: "#8c98ae",
  grid: "#1f2a3d",
  accent: "#4f8cff",
  house: "#9aa5b8",
  good: "#2ecc8f",
  bad: "#f2545b",
  warn: "#f5b94a",
};
const THRESHOLD_COLORS = ["#4f8cff", "#2ecc8f", "#f5b94a", "#c77dff", "#f2545b"];
const CONFIG = { displayModeBar: false, responsive: true };

function baseLayout(extra = {}) {
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: COLORS.text, size: 11, family: "Inter, Segoe UI, system-ui, sans-serif" },
    margin: { l: 48, r: 14, t: 8, b: 38 },
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    hoverlabel: { bgcolor: "#1a2334", bordercolor: "#33425f", font: { color: "#e6ebf5" } },
    ...extra,
  };
}

function axis(extra = {}) {
  return {
    gridcolor: COLORS.grid,
    zerolinecolor: COLORS.grid,
    linecolor: "#2a3750",
    tickcolor: "#2a3750",
    ...extra,
  };
}

const plotlyReady = () => typeof window.Plotly !== "undefined";

function emptyNote(text) {
  return {
    text,
    xref: "paper",
    yref: "paper",
    x: 0.5,
    y: 0.5,
    showarrow: false,
    font: { color: COLORS.muted, size: 13 },
  };
}

// ---- forecast curve ------------------------------------------------------------------------

/** Draw P(M >= x) of the model and of the house on the grid, with the cash-out target marked. */
export function drawCurve(node, grid, survival, rtp, target, model) {
  if (!plotlyReady() || !Array.isArray(grid) || !grid.length) return;
  const house = grid.map((x) => (x <= 1 ? 1 : Math.min(1, rtp / x)));
  const traces = [
    {
      x: grid,
      y: house,
      name: `house odds c/x (c = ${rtp})`,
      mode: "lines",
      line: { color: COLORS.house, dash: "dash", width: 1.5 },
      hovertemplate: "P(M ≥ %{x:.2f}×) = %{y:.2%}<extra>house</extra>",
    },
  ];
  if (Array.isArray(survival) && survival.length === grid.length) {
    traces.push({
      x: grid,
      y: survival,
      name: model,
      mode: "lines",
      line: { color: COLORS.accent, width: 2.5 },
      hovertemplate: `P(M ≥ %{x:.2f}×) = %{y:.2%}<extra>${model}</extra>`,
    });
  }
  const layout = baseLayout({
    xaxis: axis({ type: "log", title: { text: "multiplier x", standoff: 6 }, range: [0, 3] }),
    yaxis: axis({ range: [0, 1.02], tickformat: ".0%", title: { text: "P(M ≥ x)", standoff: 4 } }),
    shapes: [
      {
        type: "line",
        xref: "x",
        yref: "paper",
        x0: target,
        x1: target,
        y0: 0,
        y1: 1,
        line: { color: COLORS.warn, width: 1.5, dash: "dot" },
      },
    ],
    annotations: [
      {
        x: Math.log10(target),
        y: 0.98,
        xref: "x",
        yref: "paper",
        text: `target ${target.toFixed(2)}×`,
        showarrow: false,
        xanchor: "left",
        xshift: 4,
        font: { color: COLORS.warn, size: 11 },
      },
    ],
  });
  window.Plotly.react(node, traces, layout, CONFIG);
}

// ---- recent multipliers ----------------------------------------------------------------------

function targetShape(target) {
  return {
    type: "line",
    xref: "paper",
    yref: "y",
    x0: 0,
    x1: 1,
    y0: target,
    y1: target,
    line: { color: COLORS.warn, width: 1.5, dash: "dot" },
  };
}

const pointColor = (m, target) => (m >= target ? COLORS.good : COLORS.bad);

/** Redraw the whole history chart from the rounds held (at most HISTORY_POINTS). */
export function resetHistory(node, rounds, target) {
  if (!plotlyReady()) return;
  const held = rounds.slice(-HISTORY_POINTS);
  const trace = {
    x: held.map((r) => r.stream_seq),
    y: held.map((r) => r.multiplier),
    name: "multiplier",
    mode: "lines+markers",
    line: { color: "#3a4a68", width: 1 },
    marker: { size: 4, color: held.map((r) => pointColor(r.multiplier, target)) },
    hovertemplate: "round #%{x}: %{y:.2f}×<extra></extra>",
    showlegend: false,
  };
  const layout = baseLayout({
    showlegend: false,
    margin: { l: 48, r: 14, t: 10, b: 34 },
    xaxis: axis({ title: { text: "round", standoff: 4 }, tickformat: "d" }),
    yaxis: axis({
      type: "log",
      title: { text: "multiplier", standoff: 4 },
      tickmode: "array",
      tickvals: MULTIPLIER_TICKS,
      ticktext: MULTIPLIER_TICKS.map((v) => `${v}×`),
    }),
    shapes: [targetShape(target)],
    annotations: held.length ? [] : [emptyNote("No rounds yet")],
  });
  window.Plotly.react(node, [trace], layout, CONFIG);
}

/** Append new rounds, keeping only the last HISTORY_POINTS points. */
export function extendHistory(node, rounds, target) {
  if (!plotlyReady() || !rounds.length) return;
  if (!node.data || !node.data.length || !node.data[0].x.length) {
    resetHistory(node, rounds, target);
    return;
  }
  const fresh = rounds.slice(-HISTORY_POINTS);
  window.Plotly.extendTraces(
    node,
    {
      x: [fresh.map((r) => r.stream_seq)],
      y: [fresh.map((r) => r.multiplier)],
      "marker.color": [fresh.map((r) => pointColor(r.multiplier, target))],
    },
    [0],
    HISTORY_POINTS,
  );
}

/** A new target: move the line and recolour the points. */
export function setHistoryTarget(node, target) {
  if (!plotlyReady() || !node.data || !node.data.length) return;
  const colors = node.data[0].y.map((m) => pointColor(m, target));
  window.Plotly.update(node, { "marker.color": [colors] }, { shapes: [targetShape(target)] });
}

// ---- calibration ------------------------------------------------------------------------------

/** Predicted vs observed frequency per bin, one trace per threshold, with the diagonal. */
export function drawCalibration(node, rows, model) {
  if (!plotlyReady()) return;
  const byThreshold = new Map();
  for (const row of rows || []) {
    if (!row || !row.count || row.predicted === null || row.observed === null) continue;
    if (!byThreshold.has(row.threshold)) byThreshold.set(row.threshold, []);
    byThreshold.get(row.threshold).push(row);
  }
  const traces = [
    {
      x: [0, 1],
      y: [0, 1],
      mode: "lines",
      name: "perfect",
      line: { color: COLORS.house, dash: "dash", width: 1 },
      hoverinfo: "skip",
    },
  ];
  [...byThreshold.entries()].forEach(([threshold, points], i) => {
    traces.push({
      x: points.map((p) => p.predicted),
      y: points.map((p) => p.observed),
      customdata: points.map((p) => p.count),
      mode: "markers+lines",
      name: `P(M ≥ ${threshold}×)`,
      line: { width: 1, color: THRESHOLD_COLORS[i % THRESHOLD_COLORS.length] },
      marker: {
        size: points.map((p) => Math.min(18, 5 + Math.sqrt(p.count) / 2)),
        color: THRESHOLD_COLORS[i % THRESHOLD_COLORS.length],
      },
      hovertemplate: "forecast %{x:.1%}, happened %{y:.1%} (%{customdata} rounds)<extra></extra>",
    });
  });
  const layout = baseLayout({
    margin: { l: 52, r: 14, t: 8, b: 40 },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)", font: { size: 10 } },
    xaxis: axis({ range: [0, 1], tickformat: ".0%", title: { text: "forecast probability", standoff: 4 } }),
    yaxis: axis({ range: [0, 1], tickformat: ".0%", title: { text: "observed frequency", standoff: 4 } }),
    annotations: byThreshold.size ? [] : [emptyNote(`No scored forecasts of ${model || "this model"} yet`)],
  });
  window.Plotly.react(node, traces, layout, CONFIG);
}
