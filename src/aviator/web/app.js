// Aviator Predictor dashboard: holds the state, listens to /ws and keeps every panel current.
import { api, ensureToken, errorText, getToken, onTokenChange, setAuthRequired } from "./js/api.js";
import { drawCalibration, drawCurve, extendHistory, resetHistory, setHistoryTarget } from "./js/charts.js";
import { Connection } from "./js/conn.js";
import { setupVerifyForm } from "./js/fairness.js";
import { setupManualForm } from "./js/manual.js";
import { renderPrediction } from "./js/prediction.js";
import { HELD_ROUNDS, RoundStore, renderRoundsTable, setupRoundsTable } from "./js/rounds.js";
import { fillModelSelect, fillSettings, setupModelSelect, setupSettingsForm } from "./js/settings.js";
import { renderDistribution, renderModelStats, renderModelsTable } from "./js/stats.js";
import { appendLog, renderIndicators, renderMetrics } from "./js/system.js";
import { $, setText, throttle } from "./js/util.js";

const FLUSH_MS = 250;
const MODELS_REFRESH_MS = 3000;
const STATUS_POLL_MS = 5000;

const state = {
  connected: false,
  status: {},
  settings: null,
  models: [],
  prediction: null,
  grid: [],
  store: new RoundStore(),
  pendingChart: [],
  syncing: false,
  syncQueue: [],
  arrivals: [], // arrival times (ms) of round events, for the rate shown
  listeningSince: 0,
  predictRequested: false,
};

const target = () => state.settings?.target ?? state.prediction?.forecast?.target ?? 2;
const rtp = () => state.settings?.rtp ?? 0.97;
const selectedModel = () => state.settings?.model ?? state.prediction?.selected ?? null;

// ---- rendering (batched: thousands of rounds a minute must not mean thousands of redraws) -------

let roundsDirty = false;

function flushRounds() {
  if (state.pendingChart.length) {
    extendHistory($("history-chart"), state.pendingChart, target());
    state.pendingChart = [];
  }
  if (!roundsDirty) return;
  roundsDirty = false;
  const rounds = state.store.rounds;
  renderRoundsTable(rounds, target());
  renderDistribution(rounds, target(), rtp(), state.status.rounds);
  renderRoundCount();
  setText("rounds-meta", rounds.length ? `newest ${Math.min(rounds.length, 50)} of ${rounds.length} held` : "");
  setText("hist-meta", `last ${rounds.length.toLocaleString("en-US")} of up to ${HELD_ROUNDS} rounds · log scale`);
  renderSystem();
}
const scheduleRounds = throttle(flushRounds, FLUSH_MS);

function drawPrediction() {
  const p = state.prediction;
  if (!p?.forecast) return;
  renderPrediction(p);
  drawCurve($("curve-chart"), state.grid, p.forecast.survival, rtp(), p.forecast.target, p.forecast.model);
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

function renderRoundCount() {
  const n = state.status.rounds;
  setText("stats-meta", typeof n === "number" ? `${n.toLocaleString("en-US")} rounds processed by the server` : "");
}

function renderSystem() {
  renderIndicators({
    status: state.status,
    models: state.models,
    connected: state.connected,
    pageSeq: state.store.lastSeq,
  });
  renderMetrics(state.status, pageRate());
}

function renderModels() {
  const names = state.models.length
    ? state.models.map((m) => m.name)
    : (state.prediction?.skill || []).map((line) => line.model);
  const trained = Object.fromEntries(state.models.map((m) => [m.name, m.trained]));
  fillModelSelect(names, selectedModel(), trained);
  renderModelsTable(state.models, selectedModel());
  renderModelStats(state.models, selectedModel());
  const current = state.models.find((m) => m.name === selectedModel());
  drawCalibration($("calibration-chart"), current?.calibration || [], selectedModel());
  setText("cal-meta", selectedModel() ? `${selectedModel()}, all scored rounds` : "");
  renderRoundCount();
}

// ---- data from REST ---------------------------------------------------------------------------

async function refreshModels() {
  if (!state.connected) return;
  const { ok, data } = await api("/api/models");
  if (!ok || !Array.isArray(data?.models)) return;
  state.models = data.models;
  renderModels();
  renderSystem();
}
const scheduleModels = throttle(refreshModels, MODELS_REFRESH_MS);

async function refreshStatus() {
  if (!state.connected) return;
  const { ok, data } = await api("/api/status");
  if (!ok || !data) return;
  state.status = { ...state.status, ...data };
  if (data.settings && JSON.stringify(data.settings) !== JSON.stringify(state.settings)) {
    handlers.settings(data.settings);
  }
  renderSystem();
  if (typeof data.last_seq === "number" && data.last_seq > state.store.lastSeq) {
    // Events may have been dropped for a slow tab: fetch what is missing if it stays behind.
    const wanted = data.last_seq;
    setTimeout(() => {
      if (state.store.lastSeq < wanted && !state.syncing) resyncRounds();
    }, 1500);
  }
}

/** Load the newest rounds from the store, then apply the round events that came meanwhile. */
async function resyncRounds() {
  state.syncing = true;
  state.syncQueue = [];
  const { ok, data } = await api(`/api/rounds?limit=${HELD_ROUNDS}`);
  if (ok && Array.isArray(data?.rounds)) {
    state.store.replaceAll(data.rounds);
    for (const round of state.syncQueue) state.store.add(round);
    resetHistory($("history-chart"), state.store.rounds, target());
    state.pendingChart = [];
    roundsDirty = true;
    scheduleRounds();
  }
  state.syncing = false;
  state.syncQueue = [];
}

// ---- events -----------------------------------------------------------------------------------

function showTransient(id, text) {
  const node = $(id);
  node.textContent = text;
  clearTimeout(node._timer);
  node._timer = setTimeout(() => {
    node.textContent = "";
  }, 8000);
}

const handlers = {
  hello(data) {
    setAuthRequired(data.auth_required);
    state.status = data.status || {};
    state.settings = data.settings || state.settings;
    state.grid = data.grid || state.grid;
    state.models = Array.isArray(data.models) ? data.models : state.models;
    state.prediction = data.prediction || state.prediction;
    fillSettings(state.settings);
    appendLog(Array.isArray(data.log) ? data.log : [], true);
    renderModels();
    drawPrediction();
    resyncRounds();
    renderSystem();
  },
  round(data) {
    state.arrivals.push(Date.now());
    if (state.arrivals.length > 5000) state.arrivals.splice(0, state.arrivals.length - 5000);
    if (state.syncing) {
      state.syncQueue.push(data);
      return;
    }
    if (state.store.add(data)) {
      state.pendingChart.push(data);
      if (state.pendingChart.length > HELD_ROUNDS) state.pendingChart.splice(0, state.pendingChart.length - HELD_ROUNDS);
      state.status.last_seq = Math.max(state.status.last_seq || 0, data.seq);
      state.status.latest_multiplier = data.multiplier;
      roundsDirty = true;
      scheduleRounds();
    }
  },
  prediction(data) {
    state.prediction = data;
    // PUT /api/settings publishes no settings event: the forecast tells the model and target in use.
    const f = data.forecast;
    if (state.settings && f && (data.selected !== state.settings.model || f.target !== state.settings.target)) {
      handlers.settings({ ...state.settings, model: data.selected, target: f.target });
    }
    if (state.predictRequested) {
      state.predictRequested = false;
      showTransient("predict-note", `Forecast of ${data.selected} fetched at ${new Date().toLocaleTimeString("en-GB")}`);
    }
    if (typeof data.rounds === "number") state.status.rounds = data.rounds;
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
    const targetChanged = data.target !== state.settings?.target;
    state.settings = data;
    state.status.settings = data;
    fillSettings(data);
    renderModels();
    if (targetChanged) {
      setHistoryTarget($("history-chart"), data.target);
      roundsDirty = true;
      scheduleRounds();
    }
    schedulePrediction();
  },
  reset() {
    state.store.clear();
    state.pendingChart = [];
    state.status.rounds = 0;
    state.status.last_seq = 0;
    resetHistory($("history-chart"), [], target());
    roundsDirty = true;
    scheduleRounds();
    refreshModels();
  },
  error(data) {
    const message = String(data?.message ?? "the server reported an error");
    if (data?.request === "select_model") showTransient("model-error", message);
    else if (data?.request === "settings") showTransient("settings-message", message);
    else showTransient("predict-error", message);
  },
  pong() {},
};

function onEvent(event) {
  const handler = handlers[event.type];
  if (handler) handler(event.data ?? {});
}

function onState(connState, retryInMs) {
  state.connected = connState === "open";
  const conn = $("conn");
  conn.dataset.state = connState;
  if (connState === "open") {
    setText("conn-text", "Live");
    if (!state.listeningSince) state.listeningSince = Date.now();
  }
  else if (connState === "connecting") setText("conn-text", "Connecting…");
  else setText("conn-text", `Disconnected · reconnecting in ${Math.max(1, Math.round((retryInMs || 0) / 1000))}s`);
  $("predict-now").disabled = !state.connected;
  renderSystem();
}

// ---- controls ---------------------------------------------------------------------------------

function setupControls(connection) {
  $("predict-now").addEventListener("click", () => {
    $("predict-error").textContent = "";
    state.predictRequested = connection.send({ type: "predict" });
    if (!state.predictRequested) showTransient("predict-error", "Not connected: the request was not sent.");
  });
  $("reset-btn").addEventListener("click", async () => {
    const message = $("data-message");
    const sure = window.confirm(
      "Reset the session?\n\nEvery stored round, prediction and score will be deleted. Export first if you want to keep them.",
    );
    if (!sure) return;
    if (!(await ensureToken())) {
      message.textContent = "An API token is needed to reset.";
      message.className = "form-message bad";
      return;
    }
    const { ok, status, data } = await api("/api/reset", { method: "POST", auth: true });
    message.textContent = ok ? "Session reset." : errorText(data, status);
    message.className = `form-message ${ok ? "ok" : "bad"}`;
  });
  $("export-link").addEventListener("click", () => {
    showTransient("data-message", "Preparing the export…");
  });
}

function main() {
  setupSettingsForm(() => state.settings, (saved) => handlers.settings(saved));
  setupModelSelect(() => state.settings, (saved) => handlers.settings(saved));
  setupManualForm();
  setupVerifyForm();
  setupRoundsTable();
  resetHistory($("history-chart"), [], target());
  drawCalibration($("calibration-chart"), [], null);
  const connection = new Connection(onEvent, onState, getToken);
  onTokenChange(() => connection.restart());
  setupControls(connection);
  connection.connect();
  setInterval(refreshStatus, STATUS_POLL_MS);
  setInterval(refreshModels, STATUS_POLL_MS * 2);
}

main();
