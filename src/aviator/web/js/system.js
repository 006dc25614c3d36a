// System: status indicators, server metrics (only those present), and the bounded live log.
import { $, el, fmtDuration, fmtInt, fmtTime, humanize, isNum, setText } from "./util.js";

export const LOG_LINES = 200;

function indicator(label, on, title) {
  return el("li", { class: "indicator", "data-on": String(on), title }, label);
}

/** Indicators from the status payload; one is shown only when its source is present. */
export function renderIndicators({ status, models, connected, pageSeq }) {
  const items = [];
  const watcher = status.watcher && typeof status.watcher === "object" ? status.watcher : null;
  const collector = status.collector && typeof status.collector === "object" ? status.collector : null;
  const autoSync = status.auto_sync === true;
  const syncTitle = watcher?.directory ? `watching ${watcher.directory}` : "no CSV folder or collector is watched";
  items.push(indicator(autoSync ? "Auto-sync active" : "Auto-sync off", autoSync || "idle", syncTitle));
  if (status.simulator) items.push(indicator("Simulator running", true));
  if (collector) items.push(indicator("Collector on", collector.running !== false));

  const batch = models.filter((m) => m.batch);
  if (batch.length) {
    const trained = batch.every((m) => m.trained);
    items.push(indicator(trained ? "Models trained" : "Not trained yet", trained || "busy"));
  }

  const trainer = status.trainer && typeof status.trainer === "object" ? status.trainer : null;
  if (trainer) {
    const training = Array.isArray(trainer.training) ? trainer.training : [];
    const busy = training.length > 0;
    const label = busy ? `Training${training.length ? ` ${training.join(", ")}` : ""}…` : "Trainer idle";
    items.push(indicator(label, busy ? "busy" : "idle"));
  }

  if (isNum(status.stream_seq)) {
    const synced = connected && pageSeq >= status.stream_seq;
    items.push(indicator(synced ? "Data synced" : "Catching up…", synced ? true : "busy"));
  }
  $("indicators").replaceChildren(...items);
}

const mb = (v) => `${v.toFixed(v < 10 ? 1 : 0)} MB`;
const ms = (v) => `${v.toFixed(1)} ms`;
const SYSTEM_FORMAT = {
  cpu_percent: ["CPU", (v) => `${v.toFixed(1)}%`],
  memory_mb: ["Memory", mb],
  memory_percent: ["Memory", (v) => `${v.toFixed(1)}%`],
  rss_mb: ["Memory (RSS)", mb],
  db_size_mb: ["Database", mb],
  ws_connections: ["Dashboards", (v) => fmtInt(v)],
  predictions_per_min: ["Predictions/min", (v) => fmtInt(v)],
  rounds_per_min: ["Rounds/min", (v) => v.toFixed(1)],
  rounds_per_s: ["Rounds/s", (v) => v.toFixed(2)],
  events_per_s: ["Events/s", (v) => v.toFixed(1)],
  loop_lag_p99_ms: ["Loop lag p99", ms],
  loop_lag_max_ms: ["Loop lag max", ms],
  step_ms: ["Step time", ms],
};
// Identifiers and clocks, not measurements worth a tile.
const SYSTEM_SKIP = new Set(["ts", "time", "timestamp", "pid", "started_at"]);

function metric(label, value) {
  return el(
    "div",
    { class: "stat" },
    el("span", { class: "stat-label" }, label),
    el("span", { class: "stat-value" }, value),
  );
}

/** Server figures (only those the status holds) and the rate of rounds this page received. */
export function renderMetrics(status, pageRate) {
  const items = [];
  if (isNum(status.uptime_s)) items.push(metric("Uptime", fmtDuration(status.uptime_s)));
  if (isNum(status.rounds)) items.push(metric("Rounds processed (this stream)", fmtInt(status.rounds)));
  const system = status.system && typeof status.system === "object" ? status.system : {};
  for (const [key, value] of Object.entries(system)) {
    if (!isNum(value) || SYSTEM_SKIP.has(key)) continue;
    const [label, format] = SYSTEM_FORMAT[key] || [humanize(key), (v) => (Number.isInteger(v) ? fmtInt(v) : v.toFixed(2))];
    items.push(metric(label, format(value)));
  }
  if (isNum(pageRate)) items.push(metric("Rounds/min here", pageRate.toFixed(1)));
  const ingest = status.ingest || {};
  if (isNum(ingest.rejected)) items.push(metric("Rejected inputs", fmtInt(ingest.rejected)));
  if (isNum(ingest.duplicates)) items.push(metric("Duplicates", fmtInt(ingest.duplicates)));
  if (typeof status.store === "string") items.push(metric("Store", status.store));
  const bus = status.bus?.backend;
  if (typeof bus === "string") items.push(metric("Bus", bus));
  $("sys-metrics").replaceChildren(...items);
  setText("sys-meta", typeof status.stream === "string" ? `stream ${status.stream}` : "");
}

// ---- log --------------------------------------------------------------------------------------

function logLine(entry) {
  const level = String(entry.level || "INFO");
  return el(
    "li",
    {},
    el("span", { class: "time" }, fmtTime(entry.time)),
    el("span", { class: `lvl lvl-${level.replace(/[^A-Z]/g, "")}` }, level),
    el("span", { class: "msg", title: String(entry.logger || "") }, String(entry.message ?? "")),
  );
}

/** Append lines (text only), keeping at most LOG_LINES, following the end if the reader is there. */
export function appendLog(entries, replace = false) {
  const log = $("log");
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  const lines = entries.slice(-LOG_LINES).map(logLine);
  if (replace) log.replaceChildren(...lines);
  else log.append(...lines);
  while (log.childElementCount > LOG_LINES) log.firstElementChild.remove();
  if (atEnd || replace) log.scrollTop = log.scrollHeight;
}
