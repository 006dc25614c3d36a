// "Is this game fair?": the live audit of the viewer's feed (GET /api/audit), in words and three charts.
import { api, errorText } from "./api.js";
import { CONFIG, axis, baseLayout, drawWhenVisible, multiplierTicks, palette, plotlyReady } from "./chartbase.js";
import { $, el, fmtInt, fmtPct, fmtX, isNum, setText } from "./util.js";

const VERDICT = {
  consistent: "✓ Consistent with the published odds: no test found these rounds out of line.",
  inconsistent: "✗ Out of line with the published odds",
  too_few: "… Too few rounds to judge yet",
};
const PART_WORDS = {
  return: "what cashing out pays back",
  tail: "how often big multipliers come",
  fit: "the spread of all multipliers",
  independence: "rounds not depending on earlier ones",
};

function band(x, low, high, colour, name) {
  return [
    { x, y: high, mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false },
    { x, y: low, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: colour, name, hoverinfo: "skip" },
  ];
}

function drawReturn(node, report) {
  const c = palette();
  const points = report.return_curve;
  const x = points.map((p) => p.cash_out);
  const traces = [
    ...band(x, points.map((p) => p.low), points.map((p) => p.high), "rgba(120,150,200,0.25)", "likely range"),
    { x, y: points.map((p) => p.value), mode: "lines", name: "paid back", line: { color: c.accent, width: 2 }, hovertemplate: "cash out at %{x:.2f}×: %{y:.3f} per 1 staked<extra></extra>" },
    { x: [x[0] ?? 1, x.at(-1) ?? 100], y: [report.rtp.claimed, report.rtp.claimed], mode: "lines", name: `published ${report.rtp.claimed}`, line: { color: c.house, dash: "dash", width: 1.5 } },
  ];
  const high = x.at(-1) ?? 100;
  window.Plotly.react(node, traces, baseLayout({
    margin: { l: 62, r: 12, t: 8, b: 40 },
    xaxis: axis({ type: "log", title: { text: "cash out at", standoff: 4 }, tickmode: "array", ...multiplierTicks(1, high) }),
    yaxis: axis({ title: { text: "paid back per 1 staked", standoff: 4 }, rangemode: "tozero" }),
  }), CONFIG);
}

function drawSurvival(node, report) {
  const c = palette();
  const points = report.survival.filter((p) => p.observed > 0);
  const x = points.map((p) => p.multiplier);
  const lowest = Math.min(1, ...points.map((p) => p.observed));
  const traces = [
    ...band(x, points.map((p) => Math.max(p.low, lowest / 2)), points.map((p) => p.high), "rgba(120,150,200,0.25)", "likely range"),
    { x, y: points.map((p) => p.observed), mode: "lines", name: "reached it", line: { color: c.accent, width: 2 }, hovertemplate: "reached %{x:.2f}×: %{y:.2%}<extra></extra>" },
    { x, y: points.map((p) => p.law), mode: "lines", name: "published law", line: { color: c.house, dash: "dash", width: 1.5 } },
  ];
  window.Plotly.react(node, traces, baseLayout({
    margin: { l: 62, r: 12, t: 8, b: 40 },
    xaxis: axis({ type: "log", title: { text: "multiplier", standoff: 4 }, tickmode: "array", ...multiplierTicks(1, x.at(-1) ?? 100) }),
    yaxis: axis({ type: "log", title: { text: "share of rounds", standoff: 4 }, tickformat: ".1~%", range: [Math.log10(lowest / 2), 0.02] }),
  }), CONFIG);
}

function drawPit(node, report) {
  const c = palette();
  const bins = report.pit_histogram;
  const mid = bins.map((b) => (b.low + b.high) / 2);
  const traces = [
    { x: mid, y: bins.map((b) => b.count), type: "bar", name: "rounds", marker: { color: c.accent }, width: bins.map((b) => (b.high - b.low) * 0.9), hovertemplate: "%{y} rounds<extra></extra>" },
    { x: mid, y: bins.map((b) => b.band_high), mode: "markers", name: "fair game's band", marker: { symbol: "line-ew-open", size: 12, color: c.house, line: { width: 2, color: c.house } }, hoverinfo: "skip" },
    { x: mid, y: bins.map((b) => b.band_low), mode: "markers", showlegend: false, marker: { symbol: "line-ew-open", size: 12, color: c.house, line: { width: 2, color: c.house } }, hoverinfo: "skip" },
  ];
  window.Plotly.react(node, traces, baseLayout({
    margin: { l: 62, r: 12, t: 8, b: 40 },
    bargap: 0,
    xaxis: axis({ range: [0, 1], title: { text: "round as an even-spread number", standoff: 4 } }),
    yaxis: axis({ title: { text: "rounds", standoff: 4 }, rangemode: "tozero" }),
  }), CONFIG);
}

function figure(label, value, note) {
  return el("div", { class: "stat" }, el("span", { class: "stat-label" }, label), el("span", { class: "stat-value" }, value), note ? el("span", { class: "stat-note" }, note) : null);
}

const range = (low, high, format) => (isNum(low) && isNum(high) ? `likely ${format(low)} to ${format(high)}` : "no likely range yet");

function renderFigures(report) {
  const rtp = report.rtp;
  const instant = report.instant_crashes;
  const items = [
    figure("Return the rounds show", isNum(rtp.estimate) ? rtp.estimate.toFixed(3) : "—", `${range(rtp.low, rtp.high, (v) => v.toFixed(3))}; published ${rtp.claimed}`),
    figure("Crashed at once (1.00×)", fmtPct(instant.rate), `${fmtInt(instant.observed)} rounds; the law says ${fmtPct(instant.expected_rate)}`),
    figure("Rounds checked", fmtInt(report.rounds), report.rounds_needed ? `${fmtInt(report.rounds_needed)} more needed for a verdict` : "enough for a verdict"),
  ];
  if (report.power && isNum(report.power.rtp_detectable)) {
    items.push(figure("Smallest shortfall it would catch", report.power.rtp_detectable.toFixed(3), "a return this low would be caught 8 times in 10"));
  }
  if (report.largest_shortfall) {
    const s = report.largest_shortfall;
    items.push(figure("Furthest below the claim", `at ${fmtX(s.cash_out)}`, `paid back ${s.value.toFixed(3)} (likely ${s.low.toFixed(3)} to ${s.high.toFixed(3)})`));
  }
  $("audit-figures").replaceChildren(...items);
}

function renderTests(report) {
  const pHelp = report.help?.p_adjusted || "";
  const items = report.tests.map((test) =>
    el(
      "li",
      {},
      el("span", { class: test.passed ? "pass" : "fail" }, test.passed ? "✓ passed " : "✗ failed "),
      el("span", { class: "test-name" }, test.name),
      ` (${PART_WORDS[test.part] || test.part}): ${test.detail}`,
      el("span", { class: "test-help" }, `${test.help} Chance of a result this far from the law in a fair game: ${test.p_adjusted.toPrecision(2)} after allowing for all the tests. ${pHelp}`),
    ),
  );
  $("audit-tests").replaceChildren(...(items.length ? items : [el("li", {}, "No test runs until there are enough rounds.")]));
}

/** Show a report: the verdict in words (by its code), the figures, the charts and every test. */
export function renderAudit(report, stream) {
  const line = $("audit-verdict");
  line.dataset.verdict = report.verdict;
  const failed = report.failed_parts.map((p) => PART_WORDS[p] || p).join("; ");
  line.textContent = report.verdict === "inconsistent" ? `${VERDICT.inconsistent}: ${failed}.` : VERDICT[report.verdict] || report.verdict_words;
  setText("audit-meta", `feed ${stream} · ${fmtInt(report.rounds)} rounds`);
  setText("audit-words", report.verdict_words);
  setText("audit-return-help", report.help?.return_curve || "");
  setText("audit-survival-help", report.help?.survival || "");
  setText("audit-pit-help", report.help?.pit_histogram || "");
  renderFigures(report);
  renderTests(report);
  if (!plotlyReady()) return;
  drawWhenVisible($("audit-return"), () => drawReturn($("audit-return"), report));
  drawWhenVisible($("audit-survival"), () => drawSurvival($("audit-survival"), report));
  drawWhenVisible($("audit-pit"), () => drawPit($("audit-pit"), report));
}

let shown = null;

/** Fetch and show the audit of `stream` (the server caches it per round count). */
export async function refreshAudit(stream) {
  if (!stream) return; // no hello yet: the hello asks again
  const message = $("audit-message");
  message.textContent = "Checking…";
  message.className = "form-message";
  const { ok, status, data } = await api(`/api/audit?stream=${encodeURIComponent(stream)}`);
  if (!ok) {
    message.textContent = `The check failed: ${errorText(data, status)}`;
    message.className = "form-message bad";
    return;
  }
  shown = { stream, report: data };
  renderAudit(data, stream);
  message.textContent = `Checked at ${new Date().toLocaleTimeString("en-GB")}.`;
}

/** The panel checks its feed when it first comes into view, and again on "Check again". */
export function setupAudit(currentStream) {
  $("audit-refresh").addEventListener("click", () => refreshAudit(currentStream()));
  drawWhenVisible($("audit-card"), () => {
    if (!shown || shown.stream !== currentStream()) refreshAudit(currentStream());
  });
}

/** The viewer moved to another feed: check it when the panel is next in view. */
export function auditStreamChanged(currentStream) {
  drawWhenVisible($("audit-card"), () => {
    if (!shown || shown.stream !== currentStream()) refreshAudit(currentStream());
  });
}

export function redrawAudit() {
  if (shown) renderAudit(shown.report, shown.stream);
}
