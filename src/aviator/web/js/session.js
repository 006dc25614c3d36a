// The session's buttons: save the chosen feed (JSON or CSV links) and reset everything, asking first.
import { api, ensureToken, errorText } from "./api.js";
import { $ } from "./util.js";

/** `transient(id, text)` shows a note for a few seconds. */
export function setupSessionButtons(transient) {
  $("reset-btn").addEventListener("click", async () => {
    const message = $("data-message");
    const sure = window.confirm(
      "Reset the session?\n\nEvery stored round, prediction and score of every stream will be deleted. Export first if you want to keep them.",
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
  for (const id of ["export-link", "export-csv"]) {
    $(id).addEventListener("click", () => transient("data-message", "Preparing the file…"));
  }
}
