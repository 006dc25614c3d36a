// The plain words shown beside numbers: what a verdict means, what a return at a cash-out means. Picked by
// the verdict's code, never by parsing the server's sentences.
import { fmtPct, fmtX, isNum } from "./util.js";

/** What each verdict code says, as a short headline and a sentence a player can act on. */
export const VERDICTS = {
  skill: {
    icon: "✓",
    short: "Better than the game's odds so far",
    long: "Its forecasts scored better than the game's own odds by more than luck explains. Past scores promise nothing about the next round.",
    claim: "measured better than the game's odds so far",
  },
  no_skill: {
    icon: "=",
    short: "No better than the game's odds",
    long: "Its forecasts were not measurably better than the game's own odds: the game's figure is the one to trust.",
    claim: "not better than the game's odds: trust the game's figure",
  },
  worse: {
    icon: "✗",
    short: "Worse than the game's odds",
    long: "This model's forecasts were worse than the game's own odds: trust the game's figure instead.",
    claim: "worse than the game's odds: trust the game's figure",
  },
  too_few: {
    icon: "…",
    short: "Not measured yet",
    long: "Too few of its forecasts have been scored to tell yet; until then the game's figure is the one to trust.",
    claim: "not measured yet: trust the game's figure",
  },
  baseline: {
    icon: "○",
    short: "The game's own odds (the baseline)",
    long: "This is the baseline: the game's published chance, which every other model is measured against.",
    claim: "",
  },
};

export function verdictOf(code) {
  return VERDICTS[code] || VERDICTS.too_few;
}

/** "97 cents" or "98.5 cents" for a return per dollar. */
function cents(perDollar) {
  const c = Math.round(perDollar * 1000) / 10;
  return `${Number.isInteger(c) ? c.toFixed(0) : c.toFixed(1)} cents`;
}

/** What cashing out at `target` returns by the game's odds, per dollar staked, in words. */
export function returnWords(target, perDollar) {
  if (!isNum(perDollar) || !isNum(target)) return "—";
  const back = perDollar >= 0.9995 ? "every dollar staked back" : `${cents(perDollar)} of every dollar staked back`;
  const loss = perDollar < 0.9995 ? `: a loss of ${cents(1 - perDollar)} per dollar` : "";
  return `At ${fmtX(target)} you get ${back}, on average (the game's odds)${loss}.`;
}

/** The cost of play by the game's odds: what every $100 staked returns on average. */
export function costWords(rtp) {
  if (!isNum(rtp)) return "";
  const lost = Math.round((1 - rtp) * 1000) / 10;
  return (
    `This feed's game pays back ${fmtPct(rtp, 1)} of stakes on average: every $100 staked returns $${(rtp * 100).toFixed(rtp * 100 % 1 ? 1 : 0)}, ` +
    `a loss of $${lost % 1 ? lost.toFixed(1) : lost.toFixed(0)} per $100, whatever rule or model is used. The more you stake, the more you lose on average.`
  );
}
