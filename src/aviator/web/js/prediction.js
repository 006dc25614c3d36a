// The next-round card: the model's chance of reaching the viewer's target with the game's own beside it,
// the typical crash point, what the target returns by the game's odds, and whether the model has skill.
import { $, fmtPct, fmtSigned, fmtTime, fmtX, isNum, setText, verdictKind } from "./util.js";
import { returnWords, verdictOf } from "./words.js";

/** The skill line of one model from a prediction event (or undefined). */
export function skillLine(prediction, model) {
  return (prediction?.skill || []).find((line) => line.model === model);
}

/** The verdict code of a model's line; the house is the baseline, a model with no line is unmeasured. */
export function codeOf(line, model) {
  if (line) return line.verdict_code;
  return model === "house" ? "baseline" : "too_few";
}

function renderSkill(line, model) {
  const code = codeOf(line, model);
  const words = verdictOf(code);
  $("skill-box").dataset.verdict = verdictKind(code);
  setText("skill-verdict", `${words.icon} ${words.short}`);
  setText("skill-words", code === "too_few" && line?.verdict ? `${words.long} (${line.verdict})` : words.long);
  setText("skill-n", isNum(line?.scored) ? `${line.scored.toLocaleString("en-US")} rounds scored` : "");
  const [low, high] = Array.isArray(line?.skill_ci) ? line.skill_ci : [null, null];
  if (isNum(line?.skill)) {
    setText("skill-value", `${fmtSigned(line.skill)} per round`);
    setText("skill-ci", isNum(low) && isNum(high) ? `(likely between ${fmtSigned(low)} and ${fmtSigned(high)}; 0 = as good as the game's odds)` : "(0 = as good as the game's odds; no likely range yet)");
  } else {
    setText("skill-value", "not measured yet");
    setText("skill-ci", "");
  }
}

/** Render the viewer's forecast (read at its target) beside its model's skill and the house's figure. */
export function renderPrediction(prediction, forecast, house) {
  if (!forecast) return;
  const line = skillLine(prediction, forecast.model);
  const code = codeOf(line, forecast.model);
  setText("pred-meta", `after round #${forecast.seq} · made ${fmtTime(forecast.made_at)}`);
  setText("pred-model", forecast.model);
  const trained = $("pred-trained");
  const isTrained = line ? line.trained : forecast.trained;
  const learns = forecast.model !== "house" && typeof isTrained === "boolean";
  trained.hidden = !learns;
  trained.textContent = learns ? (isTrained ? "trained" : "still learning: shows the game's odds") : "";
  setText("pred-target-label", fmtX(forecast.target));
  setText("pred-p-target", fmtPct(forecast.p_target));
  setText("pred-house-p", fmtPct(house?.p_target));
  const claim = $("pred-claim");
  claim.dataset.verdict = verdictKind(code);
  setText("pred-claim", forecast.model === "house" ? "" : verdictOf(code).claim);
  setText("pred-median", fmtX(forecast.median));
  // The game's odds give the return; a model's own figure is only its claim, labelled as such.
  const houseEr = house?.expected_return;
  setText("pred-er", returnWords(forecast.target, houseEr));
  const modelEr = forecast.expected_return;
  const note = $("pred-er-model");
  const differs = isNum(modelEr) && isNum(houseEr) && Math.abs(modelEr - houseEr) >= 0.0005;
  note.hidden = !differs;
  note.textContent = differs
    ? `${forecast.model}'s forecast would make it ${Math.round(modelEr * 1000) / 10} cents: a claim, ${verdictOf(code).claim || "judged by its score below"}.`
    : "";
  renderSkill(line, forecast.model);
  const status = $("pred-status");
  const why = forecast.status;
  status.hidden = typeof why !== "string" || !why;
  status.textContent = typeof why === "string" ? why : "";
}
