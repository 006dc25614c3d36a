// The page's state and what follows from it for this viewer: its feed, model and target (js/viewer.js),
// the feed's return to player, and the viewer's model's forecast read at the viewer's target.
import { RoundStore } from "./rounds.js";
import { atTarget, viewer } from "./viewer.js";

export const state = {
  connected: false,
  stream: null, // the stream the server last said hello for
  streams: [],
  status: {},
  settings: null,
  models: [],
  prediction: null,
  grid: [],
  store: new RoundStore(),
  syncing: false,
  syncQueue: [],
  arrivals: [], // arrival times (ms) of round events, for the rate shown
  listeningSince: 0,
  predictRequested: false,
};

export const currentStream = () => state.stream ?? viewer.stream;
export const target = () => viewer.target ?? state.settings?.target ?? 2;
export const scoringTarget = () => state.settings?.target ?? 2;
export const streamInfo = () => state.streams.find((s) => s.name === currentStream());
export const rtp = () => streamInfo()?.rtp ?? state.settings?.rtp ?? 0.97;
export const modelNames = () => Object.keys(state.prediction?.forecasts || {});
export const selectedModel = () => {
  const wanted = viewer.model ?? state.settings?.model ?? state.prediction?.selected ?? "house";
  const names = modelNames();
  return !names.length || names.includes(wanted) ? wanted : "house";
};
/** The newest round number of the feed: the one count shown everywhere. */
export const roundCount = () => Math.max(state.status.stream_seq || 0, state.store.lastSeq);

/** The viewer's model's forecast, and the house's, read at the viewer's target. */
export function viewerForecasts() {
  const forecasts = state.prediction?.forecasts || {};
  return {
    forecast: atTarget(forecasts[selectedModel()], state.grid, target()),
    house: atTarget(forecasts.house, state.grid, target()),
  };
}
