// Small helpers: DOM building (text only, never HTML from the server) and number formatting.

/** Create an element; children may be nodes or strings (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

export function setText(id, text) {
  const node = $(id);
  if (node && node.textContent !== text) node.textContent = text;
}

export const isNum = (v) => typeof v === "number" && Number.isFinite(v);

/** A multiplier as "2.37×". */
export function fmtX(m) {
  return isNum(m) ? `${m.toFixed(2)}×` : "—";
}

export function fmtPct(p, digits = 1) {
  return isNum(p) ? `${(p * 100).toFixed(digits)}%` : "—";
}

export function fmtNum(v, digits = 3) {
  return isNum(v) ? v.toFixed(digits) : "—";
}

export function fmtSigned(v, digits = 4) {
  if (!isNum(v)) return "—";
  const s = v.toFixed(digits);
  return v > 0 ? `+${s}` : v < 0 ? s.replace("-", "−") : s;
}

const INT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function fmtInt(v) {
  return isNum(v) ? INT.format(Math.round(v)) : "—";
}

// One formatter for every time shown (building one per call costs more than the rest of a row).
const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

export function fmtTime(value) {
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return "—";
  return TIME.format(date);
}

export function fmtDuration(seconds) {
  if (!isNum(seconds)) return "—";
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** Dollars as "$1,234.50" (cents shown below $1,000 or when not whole), with a true minus sign. */
export function fmtMoney(v) {
  if (!isNum(v)) return "—";
  const abs = Math.abs(v);
  const digits = abs >= 1000 && Number.isInteger(Math.round(abs * 100) / 100) ? 0 : 2;
  const text = abs.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: 2 });
  return `${v < 0 ? "−" : ""}$${text}`;
}

/** A multiplier in few characters for an axis: 2×, 1.5×, 20×, 1k×, 1M×. */
export function fmtAxisX(v) {
  if (v >= 1e6) return `${v / 1e6}M×`;
  if (v >= 1e3) return `${v / 1e3}k×`;
  return `${v}×`;
}

/** A verdict's code (skill, no_skill, worse, too_few, baseline) -> the class key used for colour. */
export function verdictKind(code) {
  const kinds = { skill: "skill", worse: "worse", too_few: "few", baseline: "baseline", no_skill: "none" };
  return kinds[code] || "none";
}

/** Run fn at most once per `ms`, always with the latest call honoured (trailing edge). */
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, wait);
  };
}

/**
 * Like throttle, but the wait after each run grows with what the run cost: a run taking d ms is not
 * repeated within d / share ms (and never within `minMs`), so `fn` takes at most `share` of the time.
 */
export function budgeted(fn, share, minMs) {
  let timer = null;
  let next = 0;
  const run = () => {
    clearTimeout(timer);
    timer = null;
    const started = performance.now();
    fn();
    const cost = performance.now() - started;
    next = Date.now() + Math.max(minMs, cost / share);
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(run, Math.max(0, next - Date.now()));
  };
  schedule.now = run; // what the viewer just asked for is drawn at once
  return schedule;
}

/** "memory_mb" -> "Memory mb" (for status keys with no label of their own). */
export function humanize(key) {
  const s = String(key).replace(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What this browser kept under `key` (an object; empty when nothing, or storage is disabled). */
export function readStored(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "{}");
    return saved && typeof saved === "object" ? saved : {};
  } catch {
    return {};
  }
}

/** Keep `value` under `key` in this browser (when storage is disabled it lasts until the page closes). */
export function writeStored(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage may be disabled */
  }
}
