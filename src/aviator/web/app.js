// Aviator Predictor dashboard: holds the state, listens to /ws and keeps every panel current.
// Each viewer has its own stream, model and target (js/viewer.js); the server sends every model's
// forecast of the stream, and the page reads the viewer's at the viewer's target. Charts are drawn at
// most about once a second, and only when on screen (js/chartbase.js), so the page stays light.
import { api, getToken, onTokenChange, setAuthRequired } from "./js/api.js";
import { auditStreamChanged, redrawAudit, setupAudit } from "./js/audit.js";
import { renderCost, setupCare } from "./js/care.js";
import { drawWhenVisible, onThemeChange } from "./js/chartbase.js";
import { drawCalibration } from "./js/charts.js";
import { Connection } from "./js/conn.js";
import { drawCalibrationChart, drawCurveChart, drawHistoryChart, forgetDrawn } from "./js/livecharts.js";
import { setupVerifyForm } from "./js/fairness.js";
import { setupManualForm } from "./js/manual.js";
import { renderPrediction } from "./js/prediction.js";
import { setupSessionButtons } from "./js/session.js";
import { HELD_ROUNDS, renderRoundsTable, setupRoundsTable } from "./js/rounds.js";
import { fillModelSelect, fillSettings, setupModelSelect, setupSettingsForm } from "./js/settings.js";
import { renderDistribution, renderModelStats, renderModelsTable } from "./js/stats.js";
import { lastStrategy, onStrategyResult, redrawStrategy, setupStrategy } from "./js/strategy.js";
import { fillStreamSelect, setupStreamSelect, streamLinks } from "./js/streams.js";
import { appendLog, renderIndicators, renderMetrics } from "./js/system.js";
import { traced } from "./js/trace.js";
import { setupUpload } from "./js/upload.js";
import { $, fmtInt, fmtPct, fmtX, setText, throttle } from "./js/util.js";
import {
  currentStream,
  modelNames,
  roundCount,
  rtp,
  scoringTarget,
  selectedModel,
  state,
  target,
  viewerForecasts,
} from "./js/state.js";
import { saveViewer, viewer } from "./js/viewer.js";

const FLUSH_MS = 500;
const MODELS_REFRESH_MS = 3000;
const STATUS_POLL_MS = 5000;

// ---- rendering (batched: thousands of rounds a minute must not mean thousands of redraws) -------

let roundsDirty = false;


function renderRoundCount() {
  const n = roundCount();
  setText("stats-meta", n ? `${fmtInt(n)} rounds in this feed` : "");
}

function flushRounds() {
  if (!roundsDirty) return;
  roundsDirty = false;
  const rounds = state.store.rounds;
  renderRoundsTable(rounds, target());
  renderDistribution(rounds, target(), rtp());
  renderRoundCount();
  setText("rounds-meta", rounds.length ? `newest ${Math.min(rounds.length, 50)} of ${rounds.length} held` : "");
  setText("hist-meta", rounds.length ? `last ${fmtInt(rounds.length)} of up to ${HELD_ROUNDS} rounds · log scale` : "no rounds yet");
  drawHistoryChart();
  renderSystem();
}
const scheduleRounds = throttle(flushRounds, FLUSH_MS);

function roundsChanged() {
  roundsDirty = true;
  scheduleRounds();
}


function drawPrediction() {
  const p = state.prediction;
  const { forecast, house } = viewerForecasts();
  if (!p || !forecast) return;
  renderPrediction(p, forecast, house);
  const reach = `reaching your ${fmtX(forecast.target)}`;
  setText(
    "curve-words",
    forecast.model === "house"
      ? `The game's odds give ${fmtPct(house?.p_target)} for ${reach}.`
      : `${forecast.model} gives ${fmtPct(forecast.p_target)} for ${reach}; the game's odds give ${fmtPct(house?.p_target)}.`,
  );
  drawCurveChart();
  $("predict-now").disabled = !state.connected;
}
const schedulePrediction = throttle(drawPrediction, FLUSH_MS);

function pageRate() {
  if (!state.listeningSince) return null;
  const now = Date.now();
  while (state.arrivals.length && state.arrivals[0] < now - 60000) state.arrivals.shift();
  const seconds = Math.min(60, (now - state.listeningSince) / 1000);
  return seconds >= 5 ? (state.arrivals.length * 60) / seconds : null;
}

function renderSystem() {
  renderIndicators({ status: state.status, models: state.models, connected: state.connected, pageSeq: state.store.lastSeq });
  renderMetrics({ ...state.status, stream_seq: roundCount() }, pageRate());
}

function renderModels() {
  const names = state.models.length ? state.models.map((m) => m.name) : modelNames();
  const trained = Object.fromEntries(state.models.map((m) => [m.name, m.trained]));
  fillModelSelect(names, selectedModel(), trained);
  renderModelsTable(state.models, selectedModel(), scoringTarget(), rtp());
  renderModelStats(state.models, selectedModel(), scoringTarget(), rtp());
  drawCalibrationChart();
  setText("cal-meta", `${selectedModel()}, every scored round`);
  renderRoundCount();
}

function renderStreams() {
  fillStreamSelect(state.streams, currentStream());
  streamLinks(currentStream());
  fillSettings(state.settings, target(), rtp());
  renderCost(rtp(), lastStrategy());
}

function redrawCharts() {
  forgetDrawn();
  drawHistoryChart();
  drawCurveChart();
  renderModels();
  redrawAudit();
  redrawStrategy();
}

// ---- data from REST ---------------------------------------------------------------------------

const streamQuery = () => (currentStream() ? `stream=${encodeURIComponent(currentStream())}` : "");

async function refreshModels() {
  if (!state.connected) return;
  const { ok, data } = await api(`/api/models?${streamQuery()}`);
  if (!ok || !Array.isArray(data?.models) || data.stream !== currentStream()) return;
  state.models = data.models;
  renderModels();
  renderSystem();
}
const scheduleModels = throttle(refreshModels, MODELS_REFRESH_MS);

async function refreshStatus() {
  if (!state.connected) return;
  const [{ ok, data }, streams] = await Promise.all([api(`/api/status?${streamQuery()}`), api("/api/streams")]);
  if (streams.ok && Array.isArray(streams.data?.streams)) {
    state.streams = streams.data.streams;
    renderStreams();
  }
  if (!ok || !data || data.stream !== currentStream()) return;
  state.status = { ...state.status, ...data };
  renderSystem();
  if (typeof data.stream_seq === "number" && data.stream_seq > state.store.lastSeq) {
    // Events may have been dropped for a slow tab: fetch what is missing if it stays behind.
    const wanted = data.stream_seq;
    setTimeout(() => {
      if (state.store.lastSeq < wanted && !state.syncing) resyncRounds();
    }, 1500);
  }
}

/** Load the stream's newest rounds from the store, then apply the round events that came meanwhile. */
async function resyncRounds() {
  state.syncing = true;
  state.syncQueue = [];
  const { ok, data } = await api(`/api/rounds?limit=${HELD_ROUNDS}&${streamQuery()}`);
  if (ok && Array.isArray(data?.rounds) && data.stream === currentStream()) {
    state.store.replaceAll(data.rounds);
    for (const round of state.syncQueue) state.store.add(round);
    roundsDirty = true;
    flushRounds();
    drawHistoryChart.now();
  }
  state.syncing = false;
  state.syncQueue = [];
}
// A gap in the numbers (events dropped while the tab was busy) is filled from the store, once a second.
const fillGap = throttle(() => {
  if (!state.syncing) resyncRounds();
}, 1000);

// ---- events -----------------------------------------------------------------------------------

function showTransient(id, text) {
  const node = $(id);
  node.textContent = text;
  clearTimeout(node._timer);
  node._timer = setTimeout(() => {
    node.textContent = "";
  }, 8000);
}

function clearPredictNote() {
  state.predictRequested = false;
  clearTimeout($("predict-note")._timer);
  $("predict-note").textContent = "";
}

let connection = null;

const handlers = {
  hello(data) {
    setAuthRequired(data.auth_required);
    setText("shared-note", data.auth_required ? ", and changing them needs the API token" : "");
    if (viewer.stream && data.stream !== viewer.stream && data.streams.some((s) => s.name === viewer.stream)) {
      connection.send({ type: "watch", stream: viewer.stream }); // this viewer watches another stream
    }
    const changed = data.stream !== state.stream;
    state.stream = data.stream;
    state.streams = data.streams;
    state.status = data.status;
    state.settings = data.settings;
    state.grid = data.grid;
    state.models = data.models;
    state.prediction = data.prediction;
    if (changed) {
      state.store.clear();
      clearPredictNote();
      auditStreamChanged(currentStream);
      roundsChanged();
    }
    renderStreams();
    appendLog(data.log, true);
    renderModels();
    drawPrediction();
    resyncRounds();
    renderSystem();
  },
  round(data) {
    if (data.stream !== currentStream()) return;
    state.arrivals.push(Date.now());
    if (state.arrivals.length > 5000) state.arrivals.splice(0, state.arrivals.length - 5000);
    if (state.syncing) {
      state.syncQueue.push(data);
      return;
    }
    const gap = state.store.lastSeq && data.stream_seq > state.store.lastSeq + 1;
    if (state.store.add(data)) {
      state.status.stream_seq = Math.max(state.status.stream_seq || 0, data.stream_seq);
      state.status.latest_multiplier = data.multiplier;
      roundsChanged();
      if (gap) fillGap();
    }
  },
  prediction(data) {
    if (data.stream !== currentStream()) return;
    state.prediction = data;
    if (state.predictRequested) {
      state.predictRequested = false;
      showTransient(
        "predict-note",
        `Forecast of ${data.selected} fetched at ${new Date().toLocaleTimeString("en-GB")}: made after round #${data.seq}, it changes only when the next round arrives.`,
      );
    }
    state.status.rounds = data.rounds;
    schedulePrediction();
    scheduleModels();
  },
  status(data) {
    state.status = { ...state.status, ...data };
    renderSystem();
  },
  log(data) {
    appendLog([data]);
  },
  settings(data) {
    const targetChanged = viewer.target === null && data.target !== state.settings?.target;
    state.settings = data;
    state.status.settings = data;
    refreshStatus(); // the default stream's RTP may have changed with them
    fillSettings(data, target(), rtp());
    renderModels();
    if (targetChanged) roundsChanged();
    schedulePrediction();
  },
  streams(data) {
    state.streams = data.streams;
    renderStreams();
  },
  reset() {
    state.store.clear();
    state.status.rounds = 0;
    state.status.stream_seq = 0;
    roundsDirty = true;
    flushRounds();
    drawHistoryChart.now();
    refreshModels();
  },
  error(data) {
    const message = data.message;
    if (data.request === "select_model") showTransient("model-error", message);
    else if (data.request === "settings") showTransient("settings-message", message);
    else if (data.request === "watch") showTransient("stream-note", message);
    else showTransient("predict-error", message);
  },
  pong() {},
};

function onEvent(event) {
  const handler = handlers[event.type];
  if (handler) handler(traced(event.data ?? {}, event.type));
}

function onState(connState, retryInMs) {
  state.connected = connState === "open";
  $("conn").dataset.state = connState;
  if (connState === "open") {
    setText("conn-text", "Live");
    if (!state.listeningSince) state.listeningSince = Date.now();
  } else if (connState === "connecting") setText("conn-text", "Connecting…");
  else setText("conn-text", `Disconnected · reconnecting in ${Math.max(1, Math.round((retryInMs || 0) / 1000))}s`);
  $("predict-now").disabled = !state.connected;
  renderSystem();
}

// ---- controls ---------------------------------------------------------------------------------

function chooseModel(model) {
  saveViewer({ model });
  clearPredictNote();
  connection.send({ type: "select_model", model, target: target() });
  renderModels();
  drawPrediction();
  drawCurveChart.now();
}

function chooseTarget(value) {
  saveViewer({ target: value });
  clearPredictNote();
  roundsChanged();
  drawHistoryChart.now();
  drawPrediction();
  drawCurveChart.now();
}

function chooseStream(name) {
  saveViewer({ stream: name });
  state.models = [];
  clearPredictNote();
  connection.send({ type: "watch", stream: name });
}

function setupControls() {
  $("predict-now").addEventListener("click", () => {
    $("predict-error").textContent = "";
    state.predictRequested = connection.send({ type: "predict", model: selectedModel(), target: target() });
    if (!state.predictRequested) showTransient("predict-error", "Not connected: the request was not sent.");
  });
  setupSessionButtons(showTransient);
}

function showStream(name) {
  $("stream-select").value = name;
  chooseStream(name);
  window.scrollTo({ top: 0 });
}

function main() {
  connection = new Connection(onEvent, onState, getToken);
  setupSettingsForm(
    () => ({ settings: state.settings, target: target(), rtp: rtp(), stream: currentStream() }),
    chooseTarget,
    (saved) => handlers.settings(saved),
  );
  setupModelSelect(chooseModel);
  setupStreamSelect(chooseStream);
  setupManualForm();
  setupVerifyForm();
  setupRoundsTable(currentStream);
  setupAudit(currentStream);
  setupStrategy(currentStream);
  onStrategyResult((result) => renderCost(rtp(), result));
  setupCare();
  setupUpload(showStream);
  renderCost(rtp(), null);
  drawHistoryChart();
  drawWhenVisible($("calibration-chart"), () => drawCalibration($("calibration-chart"), [], null));
  onThemeChange(redrawCharts);
  onTokenChange(() => connection.restart());
  setupControls();
  connection.connect();
  setInterval(refreshStatus, STATUS_POLL_MS);
  setInterval(refreshModels, STATUS_POLL_MS * 2);
}

main();
