// The live charts of the viewer's feed, each redrawn only when on screen, only when its data changed,
// and within a share of the main thread: a redraw costing d ms waits at least d / CHART_SHARE.
import { drawWhenVisible } from "./chartbase.js";
import { drawCalibration, drawCurve, drawHistory } from "./charts.js";
import { rtp, selectedModel, state, target, viewerForecasts } from "./state.js";
import { $, budgeted } from "./util.js";

const CHART_MS = 1000;
const CHART_SHARE = 0.015;

let curveKey = "";
let calibrationKey = "";

/** The recent multipliers; `.now()` draws at once (what the viewer just asked for). */
export const drawHistoryChart = budgeted(
  () => {
    const node = $("history-chart");
    drawWhenVisible(node, () => drawHistory(node, state.store.rounds, target()));
  },
  CHART_SHARE,
  CHART_MS,
);

/** The forecast curve against the game's odds (the house's never changes: drawn once per target). */
export const drawCurveChart = budgeted(
  () => {
    const { forecast, house } = viewerForecasts();
    if (!forecast) return;
    const node = $("curve-chart");
    const seq = forecast.model === "house" ? "" : forecast.seq;
    const key = [forecast.model, forecast.target, rtp(), seq, state.grid.length].join("|");
    if (key === curveKey) return;
    drawWhenVisible(node, () => {
      curveKey = key;
      drawCurve(node, {
        grid: state.grid,
        survival: forecast.survival,
        rtp: rtp(),
        target: forecast.target,
        model: forecast.model,
        pModel: forecast.p_target,
        pHouse: house?.p_target,
      });
    });
  },
  CHART_SHARE,
  CHART_MS,
);

/** The chosen model's calibration, redrawn when it was scored on more rounds. */
export function drawCalibrationChart() {
  const model = selectedModel();
  const current = state.models.find((m) => m.name === model);
  const key = `${model}|${current?.rounds ?? 0}`;
  if (key === calibrationKey) return;
  const node = $("calibration-chart");
  drawWhenVisible(node, () => {
    calibrationKey = key;
    drawCalibration(node, current?.calibration || [], model);
  });
}

/** Forget what was drawn (the theme changed): the next calls redraw. */
export function forgetDrawn() {
  curveKey = "";
  calibrationKey = "";
}
