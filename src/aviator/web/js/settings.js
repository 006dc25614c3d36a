// Settings and the model picker, validated before they are used. The target and the model are this
// viewer's own (kept in this browser); the stream's RTP, the window and auto-train are server-wide.
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

/** Show the settings in the form (the viewer's target, the stream's RTP, the server's window), leaving
 * alone a field the user is editing. */
export function fillSettings(settings, target, rtp) {
  if (!settings) return;
  const values = { target: target ?? settings.target, rtp: rtp ?? settings.rtp, window: settings.window };
  for (const [name, spec] of Object.entries(FIELDS)) {
    const input = $(spec.id);
    if (document.activeElement === input || input.dataset.dirty === "true") continue;
    input.value = String(values[name]);
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

/**
 * The settings form. `current()` gives {settings, target, rtp, stream}; `onTarget(target)` takes the
 * viewer's new target; `onSaved(settings)` the server's settings after a change.
 */
export function setupSettingsForm(current, onTarget, onSaved) {
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
    const values = {};
    let firstBad = null;
    for (const [name, spec] of Object.entries(FIELDS)) {
      const raw = $(spec.id).value.trim();
      const value = spec.parse(raw);
      const problem = raw === "" ? "Enter a value." : spec.check(value);
      fieldError(name, problem);
      if (problem) firstBad = firstBad || spec.id;
      else values[name] = value;
    }
    if (firstBad) {
      formMessage("Fix the highlighted values first.", "bad");
      $(firstBad).focus();
      return;
    }
    const now = current();
    const shared = {};
    if (values.window !== now.settings?.window) shared.window = values.window;
    if ($("set-auto-train").checked !== now.settings?.auto_train) shared.auto_train = $("set-auto-train").checked;
    const rtpChanged = values.rtp !== now.rtp;
    const targetChanged = values.target !== now.target;
    if (!Object.keys(shared).length && !rtpChanged && !targetChanged) {
      formMessage("Nothing changed.", "");
      return;
    }
    $("settings-apply").disabled = true;
    formMessage("Saving…", "");
    let failed = null;
    if (rtpChanged) {
      if (!(await ensureToken())) failed = { detail: "an API token is needed" };
      else {
        const path = `/api/streams/${encodeURIComponent(now.stream)}`;
        const answer = await api(path, { method: "PUT", body: { rtp: values.rtp }, auth: true });
        if (!answer.ok) failed = answer.data ?? { detail: errorText(answer.data, answer.status) };
      }
    }
    if (!failed && Object.keys(shared).length) {
      const answer = await putSettings(shared);
      if (!answer.ok) failed = answer.data ?? { detail: errorText(answer.data, answer.status) };
      else if (answer.data && typeof answer.data === "object") onSaved(answer.data);
    }
    $("settings-apply").disabled = false;
    if (failed) {
      showServerErrors(failed.detail ?? errorText(failed));
      return;
    }
    if (targetChanged) onTarget(values.target);
    for (const spec of Object.values(FIELDS)) delete $(spec.id).dataset.dirty;
    delete $("set-auto-train").dataset.dirty;
    formMessage("Saved.", "ok");
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

/** The model picker: the viewer's own choice (`onChoose(model)`); nothing changes for other viewers. */
export function setupModelSelect(onChoose) {
  const select = $("model-select");
  select.addEventListener("change", () => {
    $("model-error").textContent = "";
    select.removeAttribute("aria-invalid");
    onChoose(select.value);
  });
}
