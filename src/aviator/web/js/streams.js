// The stream picker (one game as seen by one source: the viewer watches one at a time) and the
// export links of the chosen stream.
import { $, el } from "./util.js";

// No round count here: it would lag the live one shown in the panels (one count, in one place).
function label(stream) {
  const state = stream.live ? "live" : "idle";
  return `${stream.name} · ${stream.game} · ${state}${stream.default ? " · main" : ""}`;
}

/** Fill the picker (keeping the focus and the choice). */
export function fillStreamSelect(streams, current) {
  const select = $("stream-select");
  const wanted = streams.map((s) => `${s.name}|${label(s)}`).join("\n");
  if (select.dataset.shown !== wanted) {
    select.replaceChildren(...streams.map((s) => el("option", { value: s.name }, label(s))));
    select.dataset.shown = wanted;
  }
  if (current && select.value !== current) select.value = current;
}

export function setupStreamSelect(onChoose) {
  $("stream-select").addEventListener("change", (event) => onChoose(event.target.value));
}

/** Point the export links at the chosen stream. */
export function streamLinks(stream) {
  const query = stream ? `stream=${encodeURIComponent(stream)}` : "";
  $("export-link").href = `/api/export?${query}`;
  $("export-csv").href = `/api/export?format=csv&${query}`;
}
