"""Context-tree weighting over binned rounds: finds any finite-memory dependence, and is house without one.

Each round falls in one of the score's bins, cut at ``curve.THRESHOLDS`` (bin 0 below 1.5x, ..., bin 5
at 10x and above). Its bin is forecast as a chain of yes/no decisions: "does it reach t_j, given that
it reached t_(j-1)?" for j = 0..4 (t_(-1) = 1.00). The house odds give each decision the probability
q_j = S(t_j) / S(t_(j-1)) with S(t) = c/t; a round in bin b answers "yes" to decisions 0..b-1 and
"no" to decision b.

Per decision, a context tree over the bins of the last ``DEPTH`` rounds (most recent first) mixes,
by context-tree weighting (Willems, Shtarkov and Tjalkens 1995), every tree source of depth at most
``DEPTH``: each node of the tree holds a Beta estimator centred on the house, P(yes) = (a + k q_j) /
(n + k) with k = ``PRIOR_ROUNDS``, and a node's weighted probability is half its own estimator and
half the product of its children's. A contiguous tree that deep would need every context split to
see a dependence on the round k back alone, so beside it each decision has one single-context tree per
lag in ``SKIP_LAGS`` (the bin k rounds ago, k up to 24). Bayes on top mixes the house odds themselves
(prior weight ``HOUSE_PRIOR``), the depth-``DEPTH`` tree (``TREE_PRIOR``) and the lag trees (the rest).
So

- on rounds that follow the house odds, the weight on house tends to 1 and the forecast to the house
  curve: the model loses at most ln(1 / HOUSE_PRIOR) nats per decision over all time to house;
- on rounds whose bin depends on the bins before (any context up to ``DEPTH``, or one lag up to 24),
  a tree finds it, with the universal CTW guarantee against the best tree source of its depth.

Cost per round: O((DEPTH + lags) x decisions) for ``predict`` and ``learn_one`` (one root-to-leaf path
per tree and decision; nodes are kept in flat lists indexed by context).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np

from aviator.core.curve import GRID, THRESHOLDS, FloatArray, curve_from_threshold_probs, house_survival
from aviator.models.base import Model, ModelParams

#: Rounds of context the trees look back over.
DEPTH = 3
#: Pseudo-rounds of each node's house-centred Beta prior (k in the module docstring).
PRIOR_ROUNDS = 2.0
#: Single-context trees on the bin this many rounds ago (dependence beyond the tree's depth).
SKIP_LAGS: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24)
#: Rounds of history the model needs for a full context.
MEMORY = max(DEPTH, *SKIP_LAGS)
#: Prior weights of the house odds and of the depth-DEPTH tree; the lag trees share the rest.
HOUSE_PRIOR = 0.9
TREE_PRIOR = 0.05
#: Symbols of a context: the score's bins.
SYMBOLS = len(THRESHOLDS) + 1
DECISIONS = len(THRESHOLDS)
_NODES = (SYMBOLS ** (DEPTH + 1) - 1) // (SYMBOLS - 1)
_EPS = 1e-9


def bin_of(multiplier: float) -> int:
    """The score bin of one multiplier: how many thresholds it reached."""
    return bisect_right(THRESHOLDS, multiplier + _EPS)


def house_decisions(rtp: float) -> list[float]:
    """q_j = P(reach t_j | reached t_(j-1)) under the house odds c/t."""
    survival = [1.0, *(min(1.0, rtp / t) for t in THRESHOLDS)]
    return [survival[j + 1] / survival[j] for j in range(DECISIONS)]


def context_path(recent: Sequence[int]) -> list[int]:
    """Node ids from the root to the deepest context of ``recent`` bins (oldest first)."""
    path, node = [0], 0
    for symbol in reversed(list(recent)[-DEPTH:]):
        node = node * SYMBOLS + 1 + symbol
        path.append(node)
    return path


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class _DecisionTree:
    """The weighted context tree of one yes/no decision (nodes in flat lists, indexed by context)."""

    __slots__ = ("yes", "seen", "log_beta")

    def __init__(self, nodes: int) -> None:
        self.yes = [0.0] * nodes
        self.seen = [0.0] * nodes
        # ln(own estimator's probability / product of the children's weighted probabilities) per node
        self.log_beta = [0.0] * nodes

    def _own(self, node: int, q: float) -> float:
        return (self.yes[node] + PRIOR_ROUNDS * q) / (self.seen[node] + PRIOR_ROUNDS)

    def path_yes(self, path: Sequence[int], q: float) -> list[float]:
        """P(yes) of the weighted tree below each node of the path (index 0 = the root)."""
        probs = [0.0] * len(path)
        p = self._own(path[-1], q)
        probs[-1] = p
        for depth in range(len(path) - 2, -1, -1):
            node = path[depth]
            w = _sigmoid(self.log_beta[node])
            p = w * self._own(node, q) + (1.0 - w) * p
            probs[depth] = p
        return probs

    def learn(self, path: Sequence[int], q: float, yes: bool, probs: Sequence[float]) -> None:
        """Count one answer along ``path``; ``probs`` is ``path_yes(path, q)`` before it."""
        for depth in range(len(path) - 1):
            node = path[depth]
            own, below = self._own(node, q), probs[depth + 1]
            self.log_beta[node] += math.log(own if yes else 1.0 - own) - math.log(
                below if yes else 1.0 - below
            )
        for node in path:
            self.seen[node] += 1.0
            self.yes[node] += 1.0 if yes else 0.0


class _Decision:
    """One decision's forecasters, mixed by Bayes: the house's q, the contiguous context tree of depth
    ``DEPTH``, and one single-context tree per lag in ``SKIP_LAGS`` (the bin that many rounds ago)."""

    __slots__ = ("trees", "log_weights")

    def __init__(self) -> None:
        self.trees = [_DecisionTree(_NODES)] + [_DecisionTree(SYMBOLS + 1) for _ in SKIP_LAGS]
        skip = (1.0 - HOUSE_PRIOR - TREE_PRIOR) / max(1, len(SKIP_LAGS))
        self.log_weights = [math.log(HOUSE_PRIOR), math.log(TREE_PRIOR)] + [math.log(skip)] * len(SKIP_LAGS)

    def weights(self) -> list[float]:
        top = max(self.log_weights)
        raw = [math.exp(w - top) for w in self.log_weights]
        total = sum(raw)
        return [w / total for w in raw]

    def forecasts(self, paths: Sequence[Sequence[int]], q: float) -> list[list[float]]:
        return [tree.path_yes(path, q) for tree, path in zip(self.trees, paths, strict=True)]

    def p_yes(self, paths: Sequence[Sequence[int]], q: float) -> float:
        each = [q] + [probs[0] for probs in self.forecasts(paths, q)]
        return sum(w * p for w, p in zip(self.weights(), each, strict=True))

    def learn(self, paths: Sequence[Sequence[int]], q: float, yes: bool) -> None:
        forecasts = self.forecasts(paths, q)
        each = [q] + [probs[0] for probs in forecasts]
        for k, p in enumerate(each):
            self.log_weights[k] += math.log(p if yes else 1.0 - p)
        for tree, path, probs in zip(self.trees, paths, forecasts, strict=True):
            tree.learn(path, q, yes, probs)


def context_paths(recent: Sequence[int]) -> list[list[int]]:
    """The path of each tree for the context ``recent`` (bins, oldest first, at least MEMORY of them)."""
    tail = list(recent)[-MEMORY:]
    return [context_path(tail)] + [[0, 1 + tail[-lag]] for lag in SKIP_LAGS]


class ContextTreeModel(Model):
    """Context-tree weighting over the bins of the last rounds, mixed with the house odds by Bayes."""

    name = "context"
    description = (
        f"Context-tree weighting over the bins of the last {DEPTH} rounds (every dependence of a "
        "round's bin on the bins before, up to that lag), mixed by Bayes with the house odds: "
        "exactly the house curve when the rounds show no such dependence."
    )
    min_rounds = MEMORY

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        self._decisions = [_Decision() for _ in range(DECISIONS)]
        self._recent: deque[int] = deque(maxlen=MEMORY)

    def _learn_bin(self, recent: Sequence[int], b: int) -> None:
        if len(recent) < MEMORY:
            return
        paths = context_paths(recent)
        q = house_decisions(self.params.rtp)
        for j in range(min(b, DECISIONS - 1) + 1):
            self._decisions[j].learn(paths, q[j], yes=j < b)

    def learn_one(self, multiplier: float) -> None:
        b = bin_of(multiplier)
        self._learn_bin(self._recent, b)
        self._recent.append(b)
        super().learn_one(multiplier)

    def threshold_probs(self, recent: Sequence[int]) -> list[float]:
        """P(M >= t) at each threshold after the context ``recent`` (bins, oldest first)."""
        q = house_decisions(self.params.rtp)
        if len(recent) < MEMORY:
            decisions = q
        else:
            paths = context_paths(recent)
            decisions = [decision.p_yes(paths, q[j]) for j, decision in enumerate(self._decisions)]
        out, reach = [], 1.0
        for p in decisions:
            reach *= p
            out.append(reach)
        return out

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        recent = [bin_of(float(m)) for m in history[-MEMORY:]]
        probs = np.asarray(self.threshold_probs(recent), dtype=np.float64)
        details: dict[str, Any] = {
            "depth": DEPTH,
            "lags": list(SKIP_LAGS),
            "last_bins": recent[-DEPTH:],
            # per threshold: how much of the forecast is the house odds themselves (1 = all of it)
            "house_weight": {
                f"{t:g}": d.weights()[0] for t, d in zip(THRESHOLDS, self._decisions, strict=True)
            },
            "p_thresholds": {f"{t:g}": float(p) for t, p in zip(THRESHOLDS, probs, strict=True)},
        }
        if len(recent) < MEMORY:
            details["status"] = f"warming up: needs {MEMORY} rounds of context, has {len(recent)}"
            return house_survival(self.params.rtp), details
        return curve_from_threshold_probs(probs[None, :], self.params.rtp)[0], details

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        rows = np.empty((stop - start, len(THRESHOLDS)), dtype=np.float64)
        warm = np.zeros(stop - start, dtype=np.bool_)
        bins = [bin_of(float(m)) for m in series[max(0, start - MEMORY) : stop]]
        offset = start - max(0, start - MEMORY)
        for i in range(start, stop):
            k = i - start + offset
            recent = bins[max(0, k - MEMORY) : k]
            warm[i - start] = len(recent) < MEMORY
            rows[i - start] = self.threshold_probs(recent)
            self.learn_one(float(series[i]))
        curves = curve_from_threshold_probs(rows, self.params.rtp)
        curves[warm] = house_survival(self.params.rtp)
        out: FloatArray = np.asarray(curves, dtype=np.float64).reshape(stop - start, len(GRID))
        return out
