// The rounds the page holds (bounded), the recent-rounds table and each simulated round's check.
import { api, errorText } from "./api.js";
import { renderCheck } from "./fairness.js";
import { $, el, fmtTime, fmtX } from "./util.js";

export const HELD_ROUNDS = 500;
export const TABLE_ROWS = 50;

/** The most recent rounds of the viewer's stream, in their stream's order, never more than HELD_ROUNDS. */
export class RoundStore {
  constructor() {
    this.rounds = [];
  }

  get lastSeq() {
    return this.rounds.length ? this.rounds[this.rounds.length - 1].stream_seq : 0;
  }

  /** Add one round; false when it is not newer than what is held (a duplicate or stale). */
  add(round) {
    if (!round || typeof round.stream_seq !== "number" || round.stream_seq <= this.lastSeq) return false;
    this.rounds.push(round);
    if (this.rounds.length > HELD_ROUNDS) this.rounds.splice(0, this.rounds.length - HELD_ROUNDS);
    return true;
  }

  replaceAll(rounds) {
    this.rounds = [...rounds].sort((a, b) => a.stream_seq - b.stream_seq).slice(-HELD_ROUNDS);
  }

  clear() {
    this.rounds = [];
  }
}

// Any round that carries its revealed seeds can be checked, whatever delivered it.
const verifiable = (round) => Boolean(round.fairness);

/** The multiplier, with a shape and words (not colour alone) saying whether it reached the target. */
function multiplierCell(m, target) {
  const hit = m >= target;
  return el(
    "td",
    { class: `num mult ${hit ? "mult-hi" : "mult-lo"}` },
    el("span", { "aria-hidden": "true" }, hit ? "▲ " : "▼ "),
    fmtX(m),
    el("span", { class: "sr-only" }, hit ? " (reached your target)" : " (below your target)"),
  );
}

function roundRow(r, target) {
  return el(
    "tr",
    { "data-row": r.stream_seq },
    el("td", { class: "num muted" }, String(r.stream_seq)),
    multiplierCell(r.multiplier, target),
    el("td", { class: "hide-narrow" }, r.source),
    el("td", { class: "muted hide-narrow" }, fmtTime(r.timestamp)),
    el(
      "td",
      {},
      verifiable(r)
        ? el(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              "data-seq": r.stream_seq,
              "aria-label": `Verify round ${r.stream_seq} from its seeds`,
            },
            "Verify",
          )
        : el("span", { class: "muted small" }, "no seeds"),
    ),
  );
}

let shownTarget = null;

/**
 * Show the newest TABLE_ROWS rounds, newest first. Rows already shown are kept (so a button being
 * clicked or focused is not replaced); new ones are added on top and the oldest dropped.
 */
export function renderRoundsTable(rounds, target) {
  const body = $("rounds-table").tBodies[0];
  const newest = rounds.slice(-TABLE_ROWS).reverse();
  const topSeq = body.firstElementChild ? Number(body.firstElementChild.dataset.row) : null;
  const keep = topSeq !== null && shownTarget === target && newest.some((r) => r.stream_seq === topSeq);
  shownTarget = target;
  if (!keep) {
    body.replaceChildren(...newest.map((r) => roundRow(r, target)));
    return;
  }
  const fresh = [];
  for (const r of newest) {
    if (r.stream_seq === topSeq) break;
    fresh.push(roundRow(r, target));
  }
  // The rows kept must be the rounds that follow: after a gap was filled in, they are not.
  const shownSeqs = [...body.children].map((row) => Number(row.dataset.row));
  const following = newest.slice(fresh.length, fresh.length + shownSeqs.length).map((r) => r.stream_seq);
  if (following.some((seq, i) => seq !== shownSeqs[i])) {
    body.replaceChildren(...newest.map((r) => roundRow(r, target)));
    return;
  }
  body.prepend(...fresh);
  while (body.childElementCount > newest.length) body.lastElementChild.remove();
}

async function openCheck(seq, stream) {
  const dialog = $("round-dialog");
  const content = $("round-dialog-content");
  $("round-dialog-title").textContent = `Round #${seq}: seeds and hash checks`;
  content.replaceChildren(el("p", { class: "muted" }, "Checking…"));
  if (!dialog.open) dialog.showModal();
  const query = stream ? `?stream=${encodeURIComponent(stream)}` : "";
  const { ok, status, data } = await api(`/api/rounds/${seq}/verify${query}`);
  if (!ok) {
    content.replaceChildren(el("p", { class: "field-error" }, errorText(data, status)));
    return;
  }
  const check = data.check || {};
  const summary = el(
    "p",
    { class: check.ok ? "form-message ok" : "form-message bad" },
    check.ok
      ? `Verified: the seeds reproduce the committed hash and the ${fmtX(data.round?.multiplier)} result.`
      : "This round did NOT verify: see the checks below.",
  );
  content.replaceChildren(summary, ...renderCheck(check));
}

export function setupRoundsTable(currentStream) {
  $("rounds-table").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-seq]");
    if (button) openCheck(Number(button.dataset.seq), currentStream());
  });
}
