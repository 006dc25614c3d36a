// The rounds so far (facts about the rounds, the same whatever model is chosen, each beside the game's
// odds), the chosen model's figures, and the table of every model (one card per model on a phone).
import { $, el, fmtInt, fmtPct, fmtSigned, fmtX, isNum, setText, verdictKind } from "./util.js";
import { verdictOf } from "./words.js";

function stat(label, value, note) {
  const missing = value === "—" || value === null || value === undefined;
  return el(
    "div",
    { class: "stat" },
    el("span", { class: "stat-label" }, label),
    el("span", { class: missing ? "stat-value na" : "stat-value" }, missing ? "—" : value),
    note ? el("span", { class: "stat-note" }, note) : null,
  );
}

function share(values, predicate) {
  let n = 0;
  for (const v of values) if (predicate(v)) n += 1;
  return values.length ? n / values.length : null;
}

/** Runs of rounds that reached the target: the one going on now and the longest, among `values`. */
export function runs(values, target) {
  let current = 0;
  let longest = 0;
  for (const v of values) {
    current = v >= target - 1e-9 ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return { current, longest };
}

const houseChance = (rtp, x) => (isNum(rtp) ? `game's odds ${fmtPct(Math.min(1, rtp / x))}` : null);

/** Figures of the rounds this page holds (the label says how many), each beside the game's odds. */
export function renderDistribution(rounds, target, rtp) {
  const values = rounds.map((r) => r.multiplier);
  const box = $("dist-stats");
  if (!values.length) {
    setText("dist-label", "(no rounds held yet)");
    box.replaceChildren(stat("Rounds", "—"));
    return;
  }
  setText("dist-label", `(the last ${values.length.toLocaleString("en-US")} rounds held by this page)`);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const { current, longest } = runs(values, target);
  const instant = isNum(rtp) ? `game's odds ${fmtPct(Math.max(0, 1 - rtp / 1.01))}` : null;
  const items = [
    stat(`Reached your ${fmtX(target)}`, fmtPct(share(values, (v) => v >= target - 1e-9)), houseChance(rtp, target)),
    stat("In a row now / longest", `${current} / ${longest}`, `rounds reaching ${fmtX(target)}`),
    stat("Crashed at once (1.00×)", fmtPct(share(values, (v) => v < 1.005)), instant),
    Math.abs(target - 2) > 1e-9 ? stat("Reached 2.00×", fmtPct(share(values, (v) => v >= 2 - 1e-9)), houseChance(rtp, 2)) : null,
    stat("Typical (median)", fmtX(median), "half crashed below it"),
    stat("Lowest / highest", `${fmtX(sorted[0])} / ${fmtX(sorted[sorted.length - 1])}`),
  ];
  box.replaceChildren(...items.filter(Boolean));
}

/** The chosen model's live figures, its chance beside the game's at the scoring target. */
export function renderModelStats(models, selected, scoringTarget, rtp) {
  const model = models.find((m) => m.name === selected);
  const box = $("model-stats");
  if (!model) {
    setText("model-stats-label", "");
    box.replaceChildren(stat("Rounds scored", "—"));
    return;
  }
  setText("model-stats-label", `(${model.name}, scored live against each round)`);
  const words = verdictOf(model.skill?.code);
  box.replaceChildren(
    stat("Rounds scored", fmtInt(model.rounds ?? 0)),
    stat("Verdict", `${words.icon} ${words.short}`),
    stat(`Average chance it gave for ${fmtX(scoringTarget)}`, fmtPct(model.scores?.confidence), houseChance(rtp, scoringTarget)),
  );
}

function skillCell(skill) {
  if (!skill || !isNum(skill.mean)) return "not measured yet";
  if (isNum(skill.low) && isNum(skill.high)) return `${fmtSigned(skill.mean)} (likely ${fmtSigned(skill.low)} to ${fmtSigned(skill.high)})`;
  return `${fmtSigned(skill.mean)} (no likely range yet)`;
}

/** Every model's verdict and score; the house's chance beside each model's average chance. */
export function renderModelsTable(models, selected, scoringTarget, rtp) {
  const house = isNum(rtp) ? ` (game's odds ${fmtPct(Math.min(1, rtp / scoringTarget))})` : "";
  const rows = models.map((m) => {
    const skill = m.skill || {};
    const kind = verdictKind(skill.code);
    const words = verdictOf(skill.code);
    return el(
      "tr",
      { class: m.name === selected ? "selected" : null },
      el(
        "td",
        { "data-label": "Model" },
        el("span", {}, el("strong", {}, m.name), m.trained === false ? el("span", { class: "muted small" }, " · still learning") : null),
      ),
      el("td", { "data-label": "Verdict", class: `verdict-${kind}` }, el("span", { class: "verdict-tag" }, `${words.icon} ${words.short}`)),
      el("td", { "data-label": "Rounds scored", class: "num" }, fmtInt(m.rounds)),
      el("td", { "data-label": "Score against the game's odds" }, skillCell(skill)),
      el("td", { "data-label": `Average chance it gave for ${fmtX(scoringTarget)}`, class: "num" }, `${fmtPct(m.scores?.confidence)}${m.name === "house" ? "" : house}`),
    );
  });
  $("models-table").tBodies[0].replaceChildren(...rows);
  setText("models-meta", `scoring target ${fmtX(scoringTarget)}`);
}
