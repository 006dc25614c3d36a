// Connection and feed: what feeds this stream and whether the page is up to date, in plain words;
// the server's technical figures and its log under a "technical details" fold.
import { $, el, fmtDuration, fmtInt, fmtTime, humanize, isNum, setText } from "./util.js";

export const LOG_LINES = 200;

function indicator(label, on) {
  const state = on === true ? "on" : on === false ? "off" : on === "busy" ? "working" : "idle";
  return el("li", { class: "indicator", "data-on": String(on) }, label, el("span", { class: "sr-only" }, ` (${state})`));
}

/** The feed and the page's state, each said in words (the dot's colour only repeats them). */
export function renderIndicators({ status, models, connected, pageSeq }) {
  const items = [];
  const watcher = status.watcher && typeof status.watcher === "object" ? status.watcher : null;
  const collector = status.collector && typeof status.collector === "object" ? status.collector : null;
  if (status.simulator) items.push(indicator("Rounds from the built-in simulator", true));
  if (collector) items.push(indicator(collector.running !== false ? "Collector running" : "Collector stopped", collector.running !== false));
  if (watcher) items.push(indicator(`Reading files from ${watcher.directory}`, true));
  if (!status.simulator && !collector && !watcher) items.push(indicator("No live source: rounds come when sent", "idle"));

  const batch = models.filter((m) => m.batch);
  if (batch.length) {
    const ready = batch.filter((m) => m.trained).length;
    const label = ready === batch.length ? "Learning models ready" : `Learning models: ${ready} of ${batch.length} ready`;
    items.push(indicator(label, ready === batch.length || "busy"));
  }
  const training = Array.isArray(status.trainer?.training) ? status.trainer.training : [];
  if (training.length) items.push(indicator(`Retraining ${training.join(", ")}…`, "busy"));
  const auto = status.settings?.auto_train;
  if (typeof auto === "boolean") items.push(indicator(auto ? "Retraining as rounds arrive" : "Retraining paused", auto || "idle"));

  if (isNum(status.stream_seq)) {
    const synced = connected && pageSeq >= status.stream_seq;
    items.push(indicator(synced ? "Up to date" : "Catching up…", synced ? true : "busy"));
  }
  $("indicators").replaceChildren(...items);
}

function tile(label, value) {
  return el("div", { class: "stat" }, el("span", { class: "stat-label" }, label), el("span", { class: "stat-value" }, value));
}

const mb = (v) => `${v.toFixed(v < 10 ? 1 : 0)} MB`;
const ms = (v) => `${v.toFixed(1)} ms`;
const TECHNICAL = {
  cpu_percent: ["Server CPU", (v) => `${v.toFixed(1)}%`],
  memory_mb: ["Server memory", mb],
  db_size_mb: ["Database size", mb],
  ws_connections: ["Pages connected", (v) => fmtInt(v)],
  predictions_per_min: ["Forecasts a minute", (v) => fmtInt(v)],
  events_per_s: ["Messages sent a second", (v) => v.toFixed(1)],
  loop_lag_p99_ms: ["Server delay (1 in 100 worst)", ms],
  loop_lag_max_ms: ["Server delay (worst)", ms],
};
// Identifiers and clocks, not measurements worth a tile.
const SKIP = new Set(["ts", "pid", "leader"]);

/** Plain figures up front; the server's technical ones (only those it reports) in the fold. */
export function renderMetrics(status, pageRate) {
  const summary = [];
  if (isNum(status.stream_seq)) summary.push(tile("Rounds in this feed", fmtInt(status.stream_seq)));
  if (isNum(pageRate)) summary.push(tile("Rounds a minute", pageRate.toFixed(1)));
  if (isNum(status.uptime_s)) summary.push(tile("Server running for", fmtDuration(status.uptime_s)));
  $("sys-summary").replaceChildren(...summary);

  const items = [];
  const system = status.system && typeof status.system === "object" ? status.system : {};
  for (const [key, value] of Object.entries(system)) {
    if (!isNum(value) || SKIP.has(key)) continue;
    const [label, format] = TECHNICAL[key] || [humanize(key), (v) => (Number.isInteger(v) ? fmtInt(v) : v.toFixed(2))];
    items.push(tile(label, format(value)));
  }
  const ingest = status.ingest || {};
  if (isNum(ingest.rejected)) items.push(tile("Rounds refused", fmtInt(ingest.rejected)));
  if (isNum(ingest.duplicates)) items.push(tile("Repeats ignored", fmtInt(ingest.duplicates)));
  if (typeof status.store === "string") items.push(tile("Storage", status.store));
  const bus = status.bus?.backend;
  if (typeof bus === "string") items.push(tile("Message bus", bus));
  $("sys-metrics").replaceChildren(...items);
  setText("sys-meta", typeof status.stream === "string" ? `feed ${status.stream}` : "");
}

// ---- log --------------------------------------------------------------------------------------

/** A log message made readable: Python-style {'key': value} maps as "key value", long decimals cut. */
export function readableMessage(text) {
  const maps = String(text).replace(/\{([^{}]*)\}/g, (whole, inner) => {
    const pairs = [...inner.matchAll(/'([^']+)':\s*([^,]+)/g)];
    return pairs.length ? pairs.map(([, key, value]) => `${key.replace(/_/g, " ")} ${value.trim()}`).join(", ") : whole;
  });
  return maps.replace(/-?\d+\.\d{4,}(e-?\d+)?/g, (n) => String(Number(Number(n).toPrecision(3))));
}

function logLine(entry) {
  const level = String(entry.level || "INFO");
  return el(
    "li",
    {},
    el("span", { class: "time" }, fmtTime(entry.time)),
    el("span", { class: `lvl lvl-${level.replace(/[^A-Z]/g, "")}` }, level),
    el("span", { class: "msg" }, readableMessage(entry.message ?? "")),
  );
}

/** Append lines (text only), keeping at most LOG_LINES, following the end if the reader is there. */
export function appendLog(entries, replace = false) {
  const log = $("log");
  const open = log.closest("details")?.open !== false;
  const atEnd = open && log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  const lines = entries.slice(-LOG_LINES).map(logLine);
  if (replace) log.replaceChildren(...lines);
  else log.append(...lines);
  while (log.childElementCount > LOG_LINES) log.firstElementChild.remove();
  if (open && (atEnd || replace)) log.scrollTop = log.scrollHeight;
}
