// Responsible play: the compact bar's "limits and help" dialog, the cost of play by the game's odds (and
// by the last strategy test), and the reality check: an unobtrusive reminder of the time spent every N
// minutes, off by default, kept in this browser. Never a countdown, never a hint about the next round.
import { $, fmtMoney, fmtPct, isNum, readStored, writeStored } from "./util.js";
import { costWords } from "./words.js";

const KEY = "aviator.care";
const openedAt = Date.now();
let timer = null;

const load = () => readStored(KEY);
const save = (settings) => writeStored(KEY, settings);

function minutesText(minutes) {
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h} hour${h === 1 ? "" : "s"}${m ? ` ${m} minute${m === 1 ? "" : "s"}` : ""}`;
}

function remind() {
  const minutes = Math.round((Date.now() - openedAt) / 60000);
  $("reality-text").textContent =
    `Reality check: you have been watching for ${minutesText(minutes)}. Rounds stay random whatever came before; ` +
    "this is a good moment to take a break.";
  $("reality-check").hidden = false;
}

/** Schedule the next reminder at the next whole multiple of the interval since the page opened. */
function schedule(everyMinutes) {
  clearTimeout(timer);
  timer = null;
  if (!everyMinutes) return;
  const every = everyMinutes * 60000;
  const elapsed = Date.now() - openedAt;
  const next = (Math.floor(elapsed / every) + 1) * every;
  timer = setTimeout(() => {
    remind();
    schedule(everyMinutes);
  }, next - elapsed);
}

/** The cost note: by the feed's return to player, and by the last strategy test when there is one. */
export function renderCost(rtp, lab) {
  $("care-cost").textContent = costWords(rtp);
  if (!lab) {
    $("care-lab").textContent = "Run a betting rule in \"What would a betting rule cost?\" to see what a session of it loses on average.";
    return;
  }
  const profit = isNum(lab.expected_profit.exact) ? lab.expected_profit.exact : lab.expected_profit.estimate;
  const staked = isNum(lab.expected_total_staked.exact) ? lab.expected_total_staked.exact : lab.expected_total_staked.estimate;
  const ruin = isNum(lab.ruin_probability.exact) ? lab.ruin_probability.exact : lab.ruin_probability.estimate;
  $("care-lab").textContent =
    `Your last strategy test (${lab.title}, ${fmtMoney(lab.bankroll)} bankroll, up to ${lab.rounds} rounds): ` +
    `${fmtMoney(staked)} staked and ${fmtMoney(-profit)} lost per session on average; ${fmtPct(ruin)} of sessions ruined.`;
}

export function setupCare() {
  const dialog = $("care-dialog");
  const open = () => {
    if (!dialog.open) dialog.showModal();
  };
  $("care-open").addEventListener("click", open);
  $("reality-help").addEventListener("click", () => {
    $("reality-check").hidden = true;
    open();
  });
  $("reality-ok").addEventListener("click", () => {
    $("reality-check").hidden = true;
  });
  const select = $("reality-every");
  const settings = load();
  const every = [15, 30, 60].includes(settings.every) ? settings.every : 0;
  select.value = String(every);
  select.addEventListener("change", () => {
    const minutes = Number(select.value) || 0;
    save({ ...load(), every: minutes });
    schedule(minutes);
  });
  schedule(every);
}
