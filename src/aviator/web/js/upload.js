// CSV and JSON in from the page: drop or choose a file, its rounds go to a feed of their own in batches
// with a progress bar; every line refused (in the page or by the server) is listed with its number.
import { api, ensureToken, errorText } from "./api.js";
import { parseRounds } from "./fileparse.js";
import { $, el, fmtInt } from "./util.js";

const BATCH = 1000;
const MAX_ERRORS_SHOWN = 200;
const STREAM_NAME = /^[A-Za-z0-9_.:/@-]{1,64}$/;

function summary(text, kind) {
  const node = $("file-summary");
  node.textContent = text;
  node.className = `form-message ${kind || ""}`;
}

function progress(done, total, label) {
  $("file-progress-box").hidden = false;
  $("file-progress").value = total ? Math.round((done / total) * 100) : 0;
  $("file-progress-label").textContent = label;
}

function showErrors(errors) {
  const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((text) => el("li", {}, text));
  if (errors.length > MAX_ERRORS_SHOWN) shown.push(el("li", {}, `… and ${fmtInt(errors.length - MAX_ERRORS_SHOWN)} more`));
  $("file-errors").replaceChildren(...shown);
}

/** A key per file and batch: sending the same file again stores nothing twice. */
async function fileKey(text) {
  try {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].slice(0, 16).map((b) => b.toString(16).padStart(2, "0")).join("");
  } catch {
    return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  }
}

async function load(file, onLoaded) {
  const stream = $("file-stream").value.trim();
  const streamError = $("file-stream-error");
  streamError.textContent = "";
  $("file-show").hidden = true;
  $("file-errors").replaceChildren();
  if (!STREAM_NAME.test(stream)) {
    streamError.textContent = "The feed name must be 1 to 64 letters, digits or _ - . : / @.";
    $("file-stream").setAttribute("aria-invalid", "true");
    $("file-stream").focus();
    return;
  }
  $("file-stream").removeAttribute("aria-invalid");
  if (!(await ensureToken())) {
    summary("An API token is needed to add rounds.", "bad");
    return;
  }
  progress(0, 1, `Reading ${file.name}…`);
  const text = await file.text();
  const { rows, errors } = parseRounds(text, file.name);
  if (!rows.length) {
    summary(`Nothing to load from ${file.name}: no line could be read.`, "bad");
    showErrors(errors);
    $("file-progress-box").hidden = true;
    return;
  }
  const total = rows.length + errors.length; // every line read; the server may refuse more of them
  const key = await fileKey(text);
  const started = Date.now();
  let stored = 0;
  let duplicates = 0;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    progress(start, rows.length, `Sending rounds ${fmtInt(start + 1)} to ${fmtInt(start + batch.length)} of ${fmtInt(rows.length)}…`);
    const items = batch.map((row, i) => {
      const item = { multiplier: row.multiplier, source: stream };
      item.timestamp = row.timestamp ?? new Date(started + start + i).toISOString();
      if (row.round_id) item.round_id = row.round_id;
      return item;
    });
    const headers = { "Idempotency-Key": `${key}-${start / BATCH}` };
    const { status, data } = await api("/api/rounds", { method: "POST", body: items, auth: true, headers });
    if (!data || typeof data.stored !== "number") {
      summary(`Stopped at round ${fmtInt(start + 1)}: ${errorText(data, status)}. ${fmtInt(stored)} rounds were stored before.`, "bad");
      showErrors(errors);
      return;
    }
    stored += data.stored;
    duplicates += data.duplicates || 0;
    for (const r of data.rejected || []) errors.push(`line ${batch[r.index]?.line ?? "?"}: ${r.reason}`);
  }
  progress(rows.length, rows.length, `Done: ${file.name}`);
  const dup = duplicates ? `, ${fmtInt(duplicates)} already there` : "";
  const bad = errors.length ? `; ${fmtInt(errors.length)} refused (listed below)` : "";
  summary(`Stored ${fmtInt(stored)} of ${fmtInt(total)} rows into feed ${stream}${dup}${bad}.`, errors.length ? "bad" : "ok");
  showErrors(errors);
  $("file-show").hidden = false;
  $("file-show").onclick = () => onLoaded(stream);
}

/** The drop zone and the file chooser; `onShow(stream)` switches the viewer to the loaded feed. */
export function setupUpload(onShow) {
  const zone = $("drop-zone");
  const input = $("file-input");
  input.addEventListener("change", () => {
    if (input.files?.[0]) load(input.files[0], onShow);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.dataset.over = "true";
  });
  zone.addEventListener("dragleave", () => {
    zone.dataset.over = "false";
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.dataset.over = "false";
    const file = event.dataTransfer?.files?.[0];
    if (file) load(file, onShow);
  });
}
