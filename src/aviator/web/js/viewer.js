// What this viewer looks at (its stream, model and target: its own, kept in this browser), and the
// curve arithmetic that reads any model's forecast at the viewer's target.

import { readStored, writeStored } from "./util.js";

const KEY = "aviator.viewer";

export const viewer = { stream: null, model: null, target: null, ...readStored(KEY) };

export function saveViewer(changes) {
  Object.assign(viewer, changes);
  writeStored(KEY, viewer);
}

/**
 * P(M >= x) read off a curve given on `grid`, as the server reads it: log-log interpolation between
 * grid points (exact for the house curve c/x), flat from the 1.00 atom to the next point, 1/x beyond.
 */
export function survivalAt(grid, curve, x) {
  if (!grid.length || grid.length !== curve.length) return null;
  if (x <= grid[0]) return 1;
  const last = grid.length - 1;
  if (x >= grid[last]) return (curve[last] * grid[last]) / x;
  let i = 0;
  while (i < last && grid[i + 1] <= x) i += 1;
  const left = curve[i];
  const right = curve[i + 1];
  if (x === grid[i] || left <= 0 || right <= 0) return left;
  if (i === 0) return right;
  const w = (Math.log(x) - Math.log(grid[i])) / (Math.log(grid[i + 1]) - Math.log(grid[i]));
  return Math.exp(Math.log(left) + w * (Math.log(right) - Math.log(left)));
}

/** A forecast read at another target: P(reach it) and the expected return from the curve. */
export function atTarget(forecast, grid, target) {
  if (!forecast || forecast.target === target) return forecast;
  const p = survivalAt(grid, forecast.survival, target);
  if (p === null) return forecast;
  return { ...forecast, target, p_target: p, expected_return: target * p };
}
