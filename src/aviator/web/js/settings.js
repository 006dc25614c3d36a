// Settings (target, RTP, window, auto-train) and the model picker, validated before they are sent.
import { api, ensureToken, errorText } from "./api.js";
import { $, el } from "./util.js";

const FIELDS = {
  target: {
    id: "set-target",
    parse: (raw) => Number(raw),
    check: (v) => (Number.isFinite(v) && v >= 1.01 && v <= 1000 ? null : "The target must be between 1.01 and 1000."),
  },
  rtp: {
    id: "set-rtp",
    parse: (raw) => Number(raw),
    check: (v) => (Number.isFinite(v) && v > 0.5 && v <= 1 ? null : "RTP must be above 0.5 and at most 1."),
  },
  window: {
    id: "set-window",
    parse: (raw) => Number(raw),
    check: (v) => (Number.isInteger(v) && v >= 5 && v <= 500 ? null : "The window must be a whole number from 5 to 500."),
  },
};

function fieldError(name, message) {
  const input = $(FIELDS[name].id);
  $(`err-${name}`).textContent = message || "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function formMessage(text, kind) {
  const node = $("settings-message");
  node.textContent = text;
  node.className = `form-message ${kind || ""}`;
}

/** Show the server's settings in the form, leaving alone a field the user is editing. */
export function fillSettings(settings) {
  if (!settings) return;
  for (const [name, spec] of Object.entries(FIELDS)) {
    const input = $(spec.id);
    if (document.activeElement === input || input.dataset.dirty === "true") continue;
    input.value = String(settings[name]);
  }
  const auto = $("set-auto-train");
  if (auto.dataset.dirty !== "true") auto.checked = Boolean(settings.auto_train);
}

/** Route server error lines ("target=0.5: ...") to their fields; the rest to the form message. */
function showServerErrors(detail) {
  const lines = Array.isArray(detail) ? detail.map(String) : [errorText({ detail })];
  const other = [];
  for (const line of lines) {
    const name = Object.keys(FIELDS).find((key) => line.startsWith(`${key}=`) || line.startsWith(`${key}:`));
    if (name) fieldError(name, line);
    else other.push(line);
  }
  formMessage(other.length ? other.join("; ") : "Some values were refused: see above.", "bad");
}

/** PUT /api/settings with a partial change; returns the response. */
export async function putSettings(changes) {
  if (!(await ensureToken())) return { ok: false, status: 401, data: { detail: "an API token is needed" } };
  return api("/api/settings", { method: "PUT", body: changes, auth: true });
}

export function setupSettingsForm(getSettings, onSaved) {
  const form = $("settings-form");
  for (const spec of Object.values(FIELDS)) {
    $(spec.id).addEventListener("input", (event) => {
      event.target.dataset.dirty = "true";
    });
  }
  $("set-auto-train").addEventListener("change", (event) => {
    event.target.dataset.dirty = "true";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const changes = {};
    let firstBad = null;
    for (const [name, spec] of Object.entries(FIELDS)) {
      const raw = $(spec.id).value.trim();
      const value = spec.parse(raw);
      const problem = raw === "" ? "Enter a value." : spec.check(value);
      fieldError(name, problem);
      if (problem) firstBad = firstBad || spec.id;
      else changes[name] = value;
    }
    changes.auto_train = $("set-auto-train").checked;
    if (firstBad) {
      formMessage("Fix the highlighted values first.", "bad");
      $(firstBad).focus();
      return;
    }
    const current = getSettings() || {};
    for (const key of Object.keys(changes)) if (current[key] === changes[key]) delete changes[key];
    if (!Object.keys(changes).length) {
      formMessage("Nothing changed.", "");
      return;
    }
    $("settings-apply").disabled = true;
    formMessage("Saving…", "");
    const { ok, status, data } = await putSettings(changes);
    $("settings-apply").disabled = false;
    if (!ok) {
      showServerErrors(data?.detail ?? errorText(data, status));
      return;
    }
    for (const spec of Object.values(FIELDS)) delete $(spec.id).dataset.dirty;
    delete $("set-auto-train").dataset.dirty;
    formMessage("Saved.", "ok");
    if (data && typeof data === "object") onSaved(data);
  });
}

/** Fill the model picker; keeps the focus and the current choice. */
export function fillModelSelect(names, selected, trained) {
  const select = $("model-select");
  const existing = [...select.options].map((o) => o.value).join("|");
  if (existing !== names.join("|")) {
    select.replaceChildren(
      ...names.map((name) => el("option", { value: name }, trained[name] === false ? `${name} (not trained)` : name)),
    );
  } else {
    for (const option of select.options) {
      const label = trained[option.value] === false ? `${option.value} (not trained)` : option.value;
      if (option.textContent !== label) option.textContent = label;
    }
  }
  if (selected && select.value !== selected) select.value = selected;
}

export function setupModelSelect(getSettings, onSaved) {
  const select = $("model-select");
  select.addEventListener("change", async () => {
    const error = $("model-error");
    error.textContent = "";
    select.removeAttribute("aria-invalid");
    const wanted = select.value;
    const { ok, status, data } = await putSettings({ model: wanted });
    if (!ok) {
      error.textContent = errorText(data, status);
      select.setAttribute("aria-invalid", "true");
      const current = getSettings()?.model;
      if (current) select.value = current;
    } else if (data && typeof data === "object") {
      onSaved(data);
    }
  });
}
