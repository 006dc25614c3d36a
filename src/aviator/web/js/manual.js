// Manual entry: one or several multipliers -> POST /api/rounds (source "manual").
import { api, ensureToken, errorText } from "./api.js";
import { $, el } from "./util.js";

const MAX_VALUES = 10000;

/** Split on commas, semicolons, spaces and new lines. */
export function splitValues(text) {
  return text.split(/[\s,;]+/).filter(Boolean);
}

function summary(text, kind) {
  const node = $("manual-summary");
  node.textContent = text;
  node.className = `form-message ${kind || ""}`;
}

export function setupManualForm() {
  const form = $("manual-form");
  const area = $("manual-values");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const tokens = splitValues(area.value);
    $("manual-errors").replaceChildren();
    area.removeAttribute("aria-invalid");
    if (!tokens.length) {
      summary("Enter at least one multiplier, e.g. 1.85", "bad");
      area.setAttribute("aria-invalid", "true");
      area.focus();
      return;
    }
    if (tokens.length > MAX_VALUES) {
      summary(`At most ${MAX_VALUES.toLocaleString("en-US")} values at a time.`, "bad");
      return;
    }
    if (!(await ensureToken())) {
      summary("An API token is needed to add rounds.", "bad");
      return;
    }
    const now = Date.now();
    const items = tokens.map((token, i) => {
      const number = Number(token);
      return {
        multiplier: token !== "" && Number.isFinite(number) ? number : token,
        source: "manual",
        timestamp: new Date(now + i).toISOString(),
      };
    });
    $("manual-submit").disabled = true;
    // One key per submission: if the answer is lost and the user sends again, nothing is stored twice.
    const headers = { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : `${now}-${Math.random()}` };
    const { status, data } = await api("/api/rounds", { method: "POST", body: items, auth: true, headers });
    $("manual-submit").disabled = false;
    if (!data || typeof data.stored !== "number") {
      summary(errorText(data, status), "bad");
      return;
    }
    const rejected = Array.isArray(data.rejected) ? data.rejected : [];
    const dup = data.duplicates ? `, ${data.duplicates} already known` : "";
    const parts = `Stored ${data.stored} of ${tokens.length}${dup}`;
    if (!rejected.length) {
      summary(`${parts}.`, "ok");
      area.value = "";
      return;
    }
    summary(`${parts}; ${rejected.length} refused (left in the box to fix):`, "bad");
    $("manual-errors").replaceChildren(
      ...rejected.map((r) =>
        el("li", {}, `#${r.index + 1} `, el("code", {}, String(tokens[r.index] ?? "?")), ` — ${r.reason}`),
      ),
    );
    area.value = rejected.map((r) => tokens[r.index]).filter((t) => t !== undefined).join(", ");
    area.setAttribute("aria-invalid", "true");
  });
}
