// Statistics: the distribution of the rounds held, the selected model's figures, the models table.
import { $, el, fmtInt, fmtNum, fmtPct, fmtSigned, fmtX, isNum, setText, verdictKind } from "./util.js";

function stat(label, value, title) {
  const missing = value === "—" || value === null || value === undefined;
  return el(
    "div",
    { class: "stat", title },
    el("span", { class: "stat-label" }, label),
    el("span", { class: missing ? "stat-value na" : "stat-value" }, missing ? "—" : value),
  );
}

function share(values, predicate) {
  let n = 0;
  for (const v of values) if (predicate(v)) n += 1;
  return values.length ? n / values.length : null;
}

/** Figures of the rounds this page holds (not the whole history: the label says so). */
export function renderDistribution(rounds, target, rtp, processed) {
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
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const houseAt = (x) => (isNum(rtp) ? ` (house ${fmtPct(Math.min(1, rtp / x))})` : "");
  const items = [
    stat("Rounds processed", fmtInt(processed), "rounds the server has processed since the last reset"),
    stat("Median", fmtX(median)),
    stat("Mean", fmtX(mean)),
    stat("Lowest", fmtX(sorted[0])),
    stat("Highest", fmtX(sorted[sorted.length - 1])),
    stat("At 1.00×", fmtPct(share(values, (v) => v < 1.005)), "rounds that crashed at once"),
    stat(`≥ 2.00×${houseAt(2)}`, fmtPct(share(values, (v) => v >= 2 - 1e-9))),
    Math.abs(target - 2) > 1e-9
      ? stat(`≥ ${fmtX(target)}${houseAt(target)}`, fmtPct(share(values, (v) => v >= target - 1e-9)))
      : null,
  ];
  box.replaceChildren(...items.filter(Boolean));
}

/** Hit rate, average confidence and streaks of the selected model (scored live). */
export function renderModelStats(models, selected) {
  const model = models.find((m) => m.name === selected);
  const box = $("model-stats");
  if (!model) {
    setText("model-stats-label", "");
    box.replaceChildren(stat("Scored rounds", "—"));
    return;
  }
  setText("model-stats-label", `(${model.name}, scored live against each round)`);
  const scores = model.scores || {};
  const streak = model.streak || {};
  const scored = model.rounds ?? 0;
  box.replaceChildren(
    stat("Scored rounds", fmtInt(scored)),
    stat("Hit rate", fmtPct(scores.hit_rate), "share of rounds that reached the target"),
    stat("Avg confidence", fmtPct(scores.confidence), "mean forecast P(reach target)"),
    stat("Current streak", scored ? fmtInt(streak.current) : "—", "rounds in a row that reached the target"),
    stat("Best streak", scored ? fmtInt(streak.best) : "—"),
    stat("Log score", fmtNum(scores.log_score), "mean log score per round (higher is better)"),
  );
}

function skillCell(skill) {
  if (!skill || !isNum(skill.mean)) return "not measured yet";
  if (isNum(skill.low) && isNum(skill.high)) {
    return `${fmtSigned(skill.mean)} [${fmtSigned(skill.low)}, ${fmtSigned(skill.high)}]`;
  }
  return `${fmtSigned(skill.mean)} (no interval yet)`;
}

/** The table of every model's scores and skill. */
export function renderModelsTable(models, selected) {
  const rows = models.map((m) => {
    const scores = m.scores || {};
    const skill = m.skill || {};
    const streak = m.streak || {};
    const kind = verdictKind(skill.code);
    return el(
      "tr",
      { class: m.name === selected ? "selected" : null },
      el(
        "td",
        {},
        el("strong", { title: m.description || null }, m.name),
        m.trained === false ? el("span", { class: "muted small" }, " · not trained") : null,
      ),
      el("td", { class: "num" }, fmtInt(m.rounds)),
      el("td", { class: "num" }, fmtNum(scores.log_score)),
      el("td", {}, skillCell(skill)),
      el("td", { class: `wrap verdict-${kind}` }, skill.verdict || "—"),
      el("td", { class: "num" }, fmtPct(scores.hit_rate)),
      el("td", { class: "num" }, fmtPct(scores.confidence)),
      el("td", { class: "num" }, m.rounds ? `${streak.current ?? 0} / ${streak.best ?? 0}` : "—"),
    );
  });
  $("models-table").tBodies[0].replaceChildren(...rows);
}
