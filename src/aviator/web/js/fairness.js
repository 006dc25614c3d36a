// Provably-fair checks: the verify form (Aviator, bustabit, Stake crash) and the rendering of a check.
import { api, errorText } from "./api.js";
import { $, el, fmtX, isNum } from "./util.js";

const LABELS = {
  ok: "Round verified",
  game: "Game",
  server_seed: "Server seed",
  client_seeds: "Client seeds",
  server_hash_expected: "Server hash (published)",
  server_hash_computed: "Server hash (SHA-256 of the seed)",
  server_hash_ok: "Server hash matches",
  combined_hash: "Combined SHA-512",
  game_hash: "Game hash",
  salt: "Salt",
  hmac: "HMAC-SHA256",
  hex_window: "Hex used",
  hex13: "First 13 hex",
  decimal: "Decimal",
  rtp: "RTP",
  multiplier_expected: "Multiplier stored",
  multiplier_computed: "Multiplier recomputed",
  multiplier_ok: "Multiplier matches",
  result: "Result",
  formula: "Formula",
};
const LONG_TEXT = new Set(["note"]);

function badge(value) {
  if (value === true) return el("span", { class: "badge badge-ok" }, "✓ yes");
  if (value === false) return el("span", { class: "badge badge-bad" }, "✗ no");
  return el("span", { class: "badge badge-na" }, "not checked");
}

function valueNode(key, value) {
  if (typeof value === "boolean" || (value === null && (key.endsWith("_ok") || key === "ok"))) {
    return badge(value);
  }
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return el("span", {}, ...value.map((v, i) => (i ? [", ", String(v)] : String(v))));
  if ((key === "result" || key.startsWith("multiplier")) && isNum(value)) return fmtX(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A check result (any of the verify endpoints) as a definition list, known keys first. */
export function renderCheck(result) {
  const keys = Object.keys(result || {});
  const ordered = [
    ...Object.keys(LABELS).filter((k) => keys.includes(k)),
    ...keys.filter((k) => !(k in LABELS) && !LONG_TEXT.has(k)),
  ];
  const list = el("dl", { class: "kv" });
  for (const key of ordered) {
    list.append(el("dt", {}, LABELS[key] || key.replace(/_/g, " ")), el("dd", {}, valueNode(key, result[key])));
  }
  const nodes = [list];
  if (typeof result?.note === "string") nodes.push(el("p", { class: "verify-note" }, result.note));
  return nodes;
}

function selectedGame() {
  return document.querySelector('#verify-form input[name="game"]:checked').value;
}

function showFields() {
  const game = selectedGame();
  document.querySelector('#verify-form [data-game="aviator"]').hidden = game !== "aviator";
  document.querySelector('#verify-form [data-game="hash"]').hidden = game === "aviator";
}

function readForm() {
  const game = selectedGame();
  if (game === "aviator") {
    const serverSeed = $("v-server-seed").value.trim();
    const clients = ["v-client-1", "v-client-2", "v-client-3"].map((id) => $(id).value.trim());
    const serverHash = $("v-server-hash").value.trim();
    if (!serverSeed) return { error: "Enter the server seed.", focus: "v-server-seed" };
    const missing = clients.findIndex((c) => !c);
    if (missing >= 0) return { error: `Enter client seed ${missing + 1}.`, focus: `v-client-${missing + 1}` };
    const body = { server_seed: serverSeed, client_seeds: clients };
    if (serverHash) body.server_hash = serverHash;
    return { path: "/api/verify/aviator", body };
  }
  const hash = $("v-hash").value.trim();
  const salt = $("v-salt").value.trim();
  if (!hash) return { error: "Enter the game hash.", focus: "v-hash" };
  if (!/^[0-9a-fA-F]+$/.test(hash)) return { error: "A game hash is hexadecimal (0-9, a-f).", focus: "v-hash" };
  const body = { hash };
  if (salt) body.salt = salt;
  return { path: `/api/verify/${game}`, body };
}

export function setupVerifyForm() {
  const form = $("verify-form");
  for (const radio of form.querySelectorAll('input[name="game"]')) radio.addEventListener("change", showFields);
  showFields();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("verify-error");
    const out = $("verify-result");
    const request = readForm();
    error.textContent = "";
    if (request.error) {
      error.textContent = request.error;
      $(request.focus).focus();
      return;
    }
    const button = $("verify-submit");
    button.disabled = true;
    const { ok, status, data } = await api(request.path, { method: "POST", body: request.body });
    button.disabled = false;
    if (!ok) {
      out.replaceChildren();
      error.textContent = errorText(data, status);
      return;
    }
    out.replaceChildren(...renderCheck(data));
  });
}
