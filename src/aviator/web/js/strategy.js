// "What would a betting rule cost?": the strategy lab over HTTP (POST /api/strategy) with its fan chart,
// its exact figures where there are some, the Wald line and the plain sentence about the cost.
import { api, errorText } from "./api.js";
import { CONFIG, axis, baseLayout, drawWhenVisible, palette, plotlyReady, roundAxis } from "./chartbase.js";
import { $, el, fmtMoney, fmtPct, isNum } from "./util.js";

const RULE_HELP = {
  flat: "The same stake at the same cash-out every round.",
  martingale: "Double the stake after every loss, back to the stake after a win: small wins, rare huge losses.",
  paroli: "Double after a win, back to the stake after a loss or after the set number of wins.",
  dalembert: "One step up after a loss, one step down after a win.",
  fibonacci: "After a loss the next stake follows the Fibonacci sequence; two steps back after a win.",
  "two-bet": "Two bets each round: one at a safe cash-out, one at a long one.",
  percent: "Stake a fixed share of the current bankroll every round.",
};
const EXACT_RULES = new Set(["flat", "martingale", "paroli", "dalembert", "fibonacci", "two-bet"]);
const PATHS = 2000;

let lastResult = null;
const listeners = [];

/** Be told of every finished run (the responsible-play note quotes its figures). */
export function onStrategyResult(listener) {
  listeners.push(listener);
}

function number(id) {
  const raw = $(id).value.trim();
  return raw === "" ? NaN : Number(raw);
}

/** The request from the form, or the first problem found (with the field to fix). */
function readForm(stream) {
  const rule = $("strat-rule").value;
  const body = { rule, paths: PATHS };
  const checks = [
    ["base", "strat-base", (v) => v > 0 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "The stake must be a positive amount in whole cents."],
    ["cashout", "strat-cashout", (v) => v >= 1.01 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "The cash-out must be 1.01 or more, in steps of 0.01."],
    ["bankroll", "strat-bankroll", (v) => v > 0 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "The bankroll must be a positive amount in whole cents."],
    ["rounds", "strat-rounds", (v) => Number.isInteger(v) && v >= 1 && v <= 10000, "Rounds: a whole number from 1 to 10,000."],
  ];
  if (rule === "two-bet") checks.push(["long_cashout", "strat-long", (v) => v >= 1.01, "The long cash-out must be 1.01 or more."]);
  if (rule === "paroli") checks.push(["streak", "strat-streak", (v) => Number.isInteger(v) && v >= 1 && v <= 20, "Wins before reset: 1 to 20."]);
  for (const [name, id, ok, message] of checks) {
    const value = number(id);
    if (!Number.isFinite(value) || !ok(value)) return { error: message, focus: id };
    body[name] = value;
  }
  if (rule === "percent") {
    const share = number("strat-fraction");
    if (!Number.isFinite(share) || share <= 0 || share > 100) return { error: "The share staked must be above 0% and at most 100%.", focus: "strat-fraction" };
    body.fraction = share / 100;
  }
  const law = document.querySelector('input[name="strat-law"]:checked').value;
  if (law !== "game") {
    body.law = law;
    body.stream = stream;
  } else if (stream) {
    body.stream = stream; // the feed's return to player; its rounds only matter for the other laws
  }
  if (EXACT_RULES.has(rule)) body.exact = true;
  return { body };
}

function figure(label, value, note) {
  return el("div", { class: "stat" }, el("span", { class: "stat-label" }, label), el("span", { class: "stat-value" }, value), note ? el("span", { class: "stat-note" }, note) : null);
}

/** A figure's exact value where computed, else the simulated one with its likely range. */
function shown(estimate, format) {
  if (isNum(estimate.exact)) return [format(estimate.exact), `exact; simulated ${format(estimate.estimate)}`];
  return [format(estimate.estimate), `simulated; likely ${format(estimate.low)} to ${format(estimate.high)}`];
}

function drawFan(node, result) {
  const c = palette();
  const { rounds, bands } = result.fan_chart;
  const fill = (lowKey, highKey, colour, name) => [
    { x: rounds, y: bands[highKey], mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false },
    { x: rounds, y: bands[lowKey], mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: colour, name, hoverinfo: "skip" },
  ];
  const traces = [
    ...fill("5%", "95%", "rgba(120,150,200,0.18)", "middle 90% of sessions"),
    ...fill("25%", "75%", "rgba(120,150,200,0.38)", "middle half"),
    { x: rounds, y: bands["50%"], mode: "lines", name: "middle session", line: { color: c.accent, width: 2 }, hovertemplate: "after %{x} rounds: $%{y:.2f}<extra></extra>" },
    { x: [rounds[0], rounds.at(-1)], y: [result.bankroll, result.bankroll], mode: "lines", name: "starting bankroll", line: { color: c.house, dash: "dash", width: 1 } },
  ];
  window.Plotly.react(node, traces, baseLayout({
    xaxis: roundAxis(rounds[0] ?? 0, rounds.at(-1) ?? 1, { title: { text: "rounds played", standoff: 4 } }),
    yaxis: axis({ title: { text: "bankroll ($)", standoff: 4 }, rangemode: "tozero" }),
  }), CONFIG);
}

/** Show a finished run. */
export function renderStrategy(result) {
  $("strat-result").hidden = false;
  $("strat-words").textContent = result.plain_words;
  const profit = shown(result.expected_profit, fmtMoney);
  const ruin = shown(result.ruin_probability, (v) => fmtPct(v));
  const ahead = shown(result.ahead_probability, (v) => fmtPct(v));
  const staked = shown(result.expected_total_staked, fmtMoney);
  $("strat-figures").replaceChildren(
    figure("Average profit per session", ...profit),
    figure("Total staked on average", ...staked),
    figure("Sessions ending ahead", ...ahead),
    figure("Sessions ruined", ...ruin),
  );
  const wald = result.wald_check;
  const agrees = wald.holds ? "the gap is within chance" : "the gap is more than chance gives: more sessions would tell";
  $("strat-wald").textContent =
    `Wald's identity: every dollar staked returns ${wald.return_per_dollar} on average, whatever the rule, so the expected ` +
    `profit is (${wald.return_per_dollar} − 1) × the total staked = ${fmtMoney(wald.expected_profit)}; the simulation gave ` +
    `${fmtMoney(wald.simulated_profit.estimate)} (${agrees}). Simulated on ${result.law_words}.`;
  if (plotlyReady()) drawWhenVisible($("strat-fan"), () => drawFan($("strat-fan"), result));
}

export function lastStrategy() {
  return lastResult;
}

function showRule() {
  const rule = $("strat-rule").value;
  $("strat-rule-help").textContent = RULE_HELP[rule] || "";
  for (const field of document.querySelectorAll("#strategy-form [data-rule]")) field.hidden = field.dataset.rule !== rule;
}

export function setupStrategy(currentStream) {
  const form = $("strategy-form");
  $("strat-rule").addEventListener("change", showRule);
  showRule();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = $("strat-message");
    const errors = $("strat-errors");
    errors.replaceChildren();
    const request = readForm(currentStream());
    if (request.error) {
      message.textContent = request.error;
      message.className = "form-message bad";
      $(request.focus).focus();
      return;
    }
    const button = $("strat-run");
    button.disabled = true;
    message.textContent = "Running the simulation…";
    message.className = "form-message";
    const { ok, status, data, headers } = await api("/api/strategy", { method: "POST", body: request.body });
    button.disabled = false;
    if (status === 429) {
      const wait = Number(headers?.get("Retry-After"));
      message.textContent = `The lab is busy with other runs: try again ${Number.isFinite(wait) && wait > 0 ? `in ${wait} s` : "in a moment"}.`;
      message.className = "form-message bad";
      return;
    }
    if (!ok) {
      message.textContent = "The run was refused:";
      message.className = "form-message bad";
      const lines = String(errorText(data, status)).split("; ");
      errors.replaceChildren(...lines.map((line) => el("li", {}, line)));
      return;
    }
    lastResult = data;
    message.textContent = `Done: ${data.paths.toLocaleString("en-US")} sessions simulated in ${data.seconds.toFixed(1)} s.`;
    renderStrategy(data);
    for (const listener of listeners) listener(data);
  });
}

export function redrawStrategy() {
  if (lastResult) renderStrategy(lastResult);
}
