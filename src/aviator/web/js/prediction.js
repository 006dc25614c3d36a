// The live prediction card: point forecast, confidence, expected return and the measured skill.
import { $, fmtPct, fmtSigned, fmtTime, fmtX, isNum, setText, verdictKind } from "./util.js";

/** The skill line of one model from a prediction event (or undefined). */
export function skillLine(prediction, model) {
  return (prediction?.skill || []).find((line) => line.model === model);
}

function renderSkill(line) {
  const box = $("skill-box");
  if (!line) {
    box.dataset.verdict = "none";
    setText("skill-value", "not measured yet");
    setText("skill-ci", "");
    setText("skill-verdict", "no scored forecasts for this model yet");
    setText("skill-n", "");
    return;
  }
  box.dataset.verdict = verdictKind(line.verdict_code);
  const [low, high] = Array.isArray(line.skill_ci) ? line.skill_ci : [null, null];
  if (isNum(line.skill)) {
    setText("skill-value", `${fmtSigned(line.skill)} nats/round`);
    setText(
      "skill-ci",
      isNum(low) && isNum(high)
        ? `95% interval [${fmtSigned(low)}, ${fmtSigned(high)}]`
        : "no interval yet: too few rounds scored",
    );
  } else {
    setText("skill-value", "not measured yet");
    setText("skill-ci", "");
  }
  setText("skill-verdict", line.verdict || "");
  setText("skill-n", isNum(line.scored) ? `${line.scored.toLocaleString("en-US")} rounds scored` : "");
}

/** Render the viewer's forecast (read at its target) beside its model's skill line and the house's
 * own figure at the same target. */
export function renderPrediction(prediction, forecast, house) {
  if (!forecast) return;
  const line = skillLine(prediction, forecast.model);
  setText("pred-meta", `after round #${forecast.seq} · made ${fmtTime(forecast.made_at)}`);
  setText("pred-model", forecast.model);
  const trained = $("pred-trained");
  const isTrained = line ? line.trained : forecast.trained;
  if (typeof isTrained === "boolean") {
    trained.hidden = false;
    trained.textContent = isTrained ? "trained" : "not trained yet";
  } else {
    trained.hidden = true;
  }
  setText("pred-median", fmtX(forecast.median));
  setText("pred-target-label", fmtX(forecast.target));
  setText("pred-p-target", fmtPct(forecast.p_target));
  $("pred-meter").style.width = isNum(forecast.p_target) ? `${(forecast.p_target * 100).toFixed(1)}%` : "0";
  // The game's odds give the return; a model's own figure is only its claim, labelled as such.
  const houseEr = house?.expected_return;
  setText(
    "pred-er",
    isNum(houseEr) ? `${houseEr.toFixed(3)} per 1 staked (${fmtSigned((houseEr - 1) * 100, 1)}%)` : "—",
  );
  const modelEr = forecast.expected_return;
  const claim = $("pred-er-model");
  const differs = isNum(modelEr) && isNum(houseEr) && Math.abs(modelEr - houseEr) >= 0.0005;
  claim.hidden = !differs;
  claim.textContent = differs
    ? `${forecast.model}'s forecast implies ${modelEr.toFixed(3)}: a claim, judged by its measured skill below`
    : "";
  renderSkill(line);
  const status = $("pred-status");
  const note = forecast.status;
  status.hidden = typeof note !== "string" || !note;
  status.textContent = typeof note === "string" ? note : "";
}
