"""The "auto-sync design" ensemble: random forest + gradient boosting + linear models on 25 features.

Two heads, each the plain average of the three learners:

- a regression on ln M: the point forecast exp(mean prediction), shown in ``details``;
- P(M >= t) at each of ``curve.THRESHOLDS``: the forest predicts the indicators as extra outputs,
  gradient boosting and logistic regression are one classifier per threshold. The averaged
  probability is Platt-calibrated on the held-out rounds (when there are enough of them).

``train`` fits the learners on the first 80% of the rounds and scores them on the last 20% (the
fitted state carries mae/rmse of the point forecast and the Brier score against the house's),
then fits the calibration on those same held-out rounds. The threshold probabilities become a
curve with ``curve_from_threshold_probs``. Last, on the same held-out rounds, the curve is mixed with
the house curve, w S_model + (1 - w) S_house, with the w in [0, 1] whose log score there is best: 25
features and three flexible learners fit noise at every threshold, and without the mix that noise
cost more than a real lag-1 dependence gave (measured in docs/evaluation.md); on rounds with nothing
to learn w goes to 0 and the forecast to the house curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from aviator.core.curve import (
    GRID,
    P_CLIP,
    THRESHOLDS,
    FloatArray,
    clean_rows,
    curve_from_threshold_probs,
    house_survival,
)
from aviator.models.base import BatchModel, ModelParams
from aviator.models.features import feature_matrix, features_at

_THRESHOLDS = np.asarray(THRESHOLDS, dtype=np.float64)
#: Fewest rounds ``train`` accepts; fewest held-out rounds for fitting the calibration.
MIN_TRAIN_ROUNDS = 30
MIN_CALIBRATION_ROUNDS = 100
HOLDOUT_FRACTION = 0.2
_threadpools: list[Any] = []


def _one_thread() -> Any:
    """Limit BLAS/OpenMP to one thread: on a busy 2-core machine spinning OpenMP threads cost 5-10x."""
    if not _threadpools:
        _threadpools.append(ThreadpoolController())
    return _threadpools[0].limit(limits=1)


def _sigmoid(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, P_CLIP, 1.0 - P_CLIP)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


@dataclass(frozen=True)
class EnsembleState:
    """A fitted ensemble (picklable; built in a worker process)."""

    forest: Any
    boosted_reg: Any
    #: Classifier over the bins between thresholds (None when training saw a single bin).
    boosted_clf: Any
    center: FloatArray
    scale: FloatArray
    linear_reg: tuple[FloatArray, float]
    #: Multinomial logistic regression over the bins: (coef (bins, features), intercept (bins,)).
    linear_clf: tuple[FloatArray, FloatArray]
    #: Bin probabilities used when a classifier could not be fitted (one bin seen).
    prior: FloatArray
    #: Per threshold: Platt (slope, intercept) on the logit of the averaged probability, or None.
    platt: tuple[tuple[float, float] | None, ...]
    scores: dict[str, float] = field(default_factory=dict)
    flat_forest: FlatForest | None = None
    #: Weight of the model's curve against the house curve (fitted on the held-out rounds).
    model_weight: float = 1.0


def bins_of(values: FloatArray) -> npt.NDArray[np.intp]:
    """Bin of each multiplier: 0 below the first threshold, j when M >= THRESHOLDS[j-1] only."""
    return np.asarray(np.searchsorted(_THRESHOLDS - 1e-9, values, side="right"), dtype=np.intp)


def _survival_from_bins(probs: FloatArray) -> FloatArray:
    """P(M >= t) per threshold from (rows, T + 1) bin probabilities."""
    tail = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1]
    return np.asarray(tail[:, 1:], dtype=np.float64)


def _bin_probs(classes: FloatArray, proba: FloatArray) -> FloatArray:
    full = np.zeros((len(proba), len(THRESHOLDS) + 1), dtype=np.float64)
    full[:, np.asarray(classes, dtype=np.intp)] = proba
    return full


@dataclass(frozen=True)
class FlatForest:
    """The trees of a fitted forest as flat node arrays, for cheap one-row predictions.

    Uses the documented ``tree_`` attributes; gives the numbers of ``forest.predict`` (trees compare
    float32 features with their thresholds, and their outputs are summed in order, then averaged).
    """

    roots: npt.NDArray[np.intp]
    left: npt.NDArray[np.intp]
    right: npt.NDArray[np.intp]
    feature: npt.NDArray[np.intp]
    threshold: FloatArray
    value: FloatArray
    depth: int

    @classmethod
    def of(cls, forest: Any) -> FlatForest:
        trees = [est.tree_ for est in forest.estimators_]
        sizes = np.array([t.node_count for t in trees])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])

        def child(t: Any, links: FloatArray, offset: int) -> npt.NDArray[np.intp]:
            own = np.arange(t.node_count) + offset  # leaves point to themselves
            return np.asarray(np.where(links < 0, own, links + offset), dtype=np.intp)

        return cls(
            roots=offsets.astype(np.intp),
            left=np.concatenate([child(t, t.children_left, o) for t, o in zip(trees, offsets, strict=True)]),
            right=np.concatenate(
                [child(t, t.children_right, o) for t, o in zip(trees, offsets, strict=True)]
            ),
            feature=np.concatenate([np.maximum(t.feature, 0) for t in trees]).astype(np.intp),
            threshold=np.concatenate([t.threshold for t in trees]),
            value=np.concatenate([t.value[:, :, 0] for t in trees]),
            depth=max(int(t.max_depth) for t in trees),
        )

    def predict_one(self, x: FloatArray) -> FloatArray:
        row = x.astype(np.float32).astype(np.float64)
        node = self.roots
        for _ in range(self.depth):
            node = np.where(
                row[self.feature[node]] <= self.threshold[node], self.left[node], self.right[node]
            )
        total = np.zeros(self.value.shape[1])
        for v in self.value[node]:
            total += v
        return np.asarray(total / len(node), dtype=np.float64)


def _heads(state: EnsembleState, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(rows, 3) ln M predictions (forest, boosting, linear) and (rows, T) averaged P(M >= t)."""
    if len(x) == 1 and state.flat_forest is not None:
        forest = state.flat_forest.predict_one(x[0])[None, :]
    else:
        forest = state.forest.predict(x).reshape(len(x), -1)
    xs = (x - state.center) / state.scale
    reg = np.column_stack(
        [forest[:, 0], state.boosted_reg.predict(x), xs @ state.linear_reg[0] + state.linear_reg[1]]
    )
    if state.boosted_clf is None:
        boosted = np.repeat(state.prior[None, :], len(x), axis=0)
    else:
        boosted = _bin_probs(state.boosted_clf.classes_, state.boosted_clf.predict_proba(x))
    scores = xs @ state.linear_clf[0].T + state.linear_clf[1]
    scores -= scores.max(axis=1, keepdims=True)
    linear = np.exp(scores)
    linear /= linear.sum(axis=1, keepdims=True)
    probs = (forest[:, 1:] + _survival_from_bins(boosted) + _survival_from_bins(linear)) / 3.0
    return reg, probs


def _calibrate(state: EnsembleState, probs: FloatArray) -> FloatArray:
    out = probs.copy()
    for j, platt in enumerate(state.platt):
        if platt is not None:
            out[:, j] = _sigmoid(platt[0] * _logit(probs[:, j]) + platt[1])
    return out


def _fit(x: FloatArray, y: FloatArray, values: FloatArray, rtp: float) -> EnsembleState:
    n = len(x)
    hit = (values[:, None] >= _THRESHOLDS[None, :] - 1e-9).astype(np.float64)
    forest = RandomForestRegressor(
        n_estimators=30,
        max_depth=10,
        min_samples_leaf=20,
        max_features=0.5,
        max_samples=min(1.0, 20_000 / n),
        n_jobs=1,
        random_state=0,
    ).fit(x, np.column_stack([y, hit]))
    boost = {"max_iter": 40, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 40}
    boosted_reg = HistGradientBoostingRegressor(**boost, early_stopping=False, random_state=0).fit(x, y)
    center = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    xs = (x - center) / scale
    ridge = Ridge(alpha=1.0).fit(xs, y)
    bins = bins_of(values)
    # bin frequencies shrunk toward the house's, for learners that cannot fit one bin only
    house_bins = -np.diff(np.concatenate([[1.0], house_survival(rtp, _THRESHOLDS), [0.0]]))
    prior = (np.bincount(bins, minlength=len(house_bins)) + 20.0 * house_bins) / (n + 20.0)
    boosted_clf: Any = None
    linear_clf = (np.zeros((len(prior), x.shape[1])), np.log(prior))
    if len(np.unique(bins)) > 1:
        boosted_clf = HistGradientBoostingClassifier(**boost, early_stopping=False, random_state=0).fit(
            x, bins
        )
        logistic = LogisticRegression(C=1.0, max_iter=1000).fit(xs, bins)
        coef = np.zeros((len(prior), x.shape[1]))
        intercept = np.full(len(prior), -np.inf)
        classes = np.asarray(logistic.classes_, dtype=np.intp)
        if len(classes) == 2:  # sklearn keeps one row of coefficients for two classes
            coef[classes[1]], intercept[classes[1]] = logistic.coef_[0], logistic.intercept_[0]
            intercept[classes[0]] = 0.0
        else:
            coef[classes], intercept[classes] = logistic.coef_, logistic.intercept_
        linear_clf = (coef, intercept)
    return EnsembleState(
        forest=forest,
        boosted_reg=boosted_reg,
        boosted_clf=boosted_clf,
        center=center,
        scale=scale,
        linear_reg=(np.asarray(ridge.coef_, dtype=np.float64), float(ridge.intercept_)),
        linear_clf=linear_clf,
        prior=prior,
        platt=(None,) * len(THRESHOLDS),
    )


#: The mixing weights tried on the held-out rounds.
MIX_GRID: FloatArray = np.linspace(0.0, 1.0, 51)
_AT_THRESHOLDS = np.searchsorted(np.asarray(GRID), THRESHOLDS).astype(np.intp)


def _bin_probs_at(curves: FloatArray, actual: FloatArray) -> FloatArray:
    """P(the bin of each actual) under each curve (the score's bins cut at THRESHOLDS)."""
    at = np.concatenate(
        [np.ones((len(curves), 1)), curves[:, _AT_THRESHOLDS], np.zeros((len(curves), 1))], axis=1
    )
    j = bins_of(actual)
    return np.asarray(at[np.arange(len(curves)), j] - at[np.arange(len(curves)), j + 1], dtype=np.float64)


def mix_weight(model_curves: FloatArray, actual: FloatArray, rtp: float) -> float:
    """The w in MIX_GRID with the best mean log score of w S_model + (1 - w) S_house on these rounds."""
    if len(actual) < MIN_CALIBRATION_ROUNDS:
        return 0.0
    model = _bin_probs_at(model_curves, actual)
    house = _bin_probs_at(house_survival(rtp)[None, :], actual)
    scores = [float(np.mean(np.log(np.maximum(w * model + (1.0 - w) * house, 1e-12)))) for w in MIX_GRID]
    return float(MIX_GRID[int(np.argmax(scores))])


def _platt(probs: FloatArray, hit: npt.NDArray[np.bool_]) -> tuple[tuple[float, float] | None, ...]:
    out: list[tuple[float, float] | None] = []
    for j in range(len(THRESHOLDS)):
        labels = hit[:, j]
        if len(labels) < MIN_CALIBRATION_ROUNDS or labels.all() or not labels.any():
            out.append(None)
            continue
        fit = LogisticRegression(C=100.0, max_iter=1000).fit(_logit(probs[:, j])[:, None], labels)
        out.append((float(fit.coef_[0, 0]), float(fit.intercept_[0])))
    return tuple(out)


class EnsembleModel(BatchModel):
    """Random forest + gradient boosting + linear model on 25 time-series features of ln M."""

    name = "ensemble"
    description = (
        "Random forest + gradient boosting + linear models on 25 time-series features; "
        "P(M >= t) at the standard thresholds (calibrated) and a ln M regression for the point forecast."
    )
    min_rounds = MIN_TRAIN_ROUNDS

    @classmethod
    def train(cls, series: FloatArray, params: ModelParams) -> EnsembleState:
        values = np.asarray(series, dtype=np.float64)
        if len(values) < MIN_TRAIN_ROUNDS:
            raise ValueError(f"ensemble needs at least {MIN_TRAIN_ROUNDS} rounds to train, got {len(values)}")
        x = feature_matrix(values, start=1)
        y = np.log(values[1:])
        hit = values[1:, None] >= _THRESHOLDS[None, :] - 1e-9
        split = min(len(x) - 1, int(round(len(x) * (1.0 - HOLDOUT_FRACTION))))
        with _one_thread():
            state = _fit(x[:split], y[:split], values[1 : 1 + split], params.rtp)
            reg, probs = _heads(state, x[split:])
        point = np.exp(reg.mean(axis=1))
        actual = values[1 + split :]
        house = house_survival(params.rtp, _THRESHOLDS)[None, :]
        target = hit[split:].astype(np.float64)
        scores = {
            "mae": float(np.mean(np.abs(point - actual))),
            "rmse": float(np.sqrt(np.mean((point - actual) ** 2))),
            "mae_log": float(np.mean(np.abs(reg.mean(axis=1) - y[split:]))),
            "brier": float(np.mean((probs - target) ** 2)),
            "brier_house": float(np.mean((house - target) ** 2)),
            "samples_trained": float(split),
            "samples_tested": float(len(x) - split),
        }
        platt = _platt(probs, hit[split:])
        calibrated = replace(state, platt=platt)
        curves = curve_from_threshold_probs(_calibrate(calibrated, probs), params.rtp)
        weight = mix_weight(curves, actual, params.rtp)
        scores["model_weight"] = weight
        return replace(
            calibrated, scores=scores, flat_forest=FlatForest.of(state.forest), model_weight=weight
        )

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        state: EnsembleState | None = self.fitted
        if state is None:
            return house_survival(self.params.rtp), {"status": "not trained yet: the house curve"}
        with _one_thread():
            reg, probs = _heads(state, features_at(history)[None, :])
        calibrated = _calibrate(state, probs)
        details: dict[str, Any] = {
            "point": float(np.exp(reg[0].mean())),
            "point_by_learner": dict(
                zip(("forest", "boosting", "linear"), (float(v) for v in np.exp(reg[0])), strict=True)
            ),
            "p_thresholds": {f"{t:g}": float(p) for t, p in zip(THRESHOLDS, calibrated[0], strict=True)},
            "trained_on": self.trained_on,
            "scores": dict(state.scores),
            "model_weight": state.model_weight,
        }
        curve = curve_from_threshold_probs(calibrated, self.params.rtp)[0]
        return self._mixed(state, curve[None, :])[0], details

    def _mixed(self, state: EnsembleState, curves: FloatArray) -> FloatArray:
        w = state.model_weight
        return np.asarray(w * curves + (1.0 - w) * house_survival(self.params.rtp)[None, :], dtype=np.float64)

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        state: EnsembleState | None = self.fitted
        self.rounds_seen += stop - start
        if state is None:
            return np.repeat(clean_rows(house_survival(self.params.rtp)[None, :]), stop - start, axis=0)
        rows = np.empty((stop - start, len(GRID)), dtype=np.float64)
        step = 8192
        for lo in range(start, stop, step):
            hi = min(lo + step, stop)
            with _one_thread():
                _, probs = _heads(state, feature_matrix(series, lo, hi))
            rows[lo - start : hi - start] = self._mixed(
                state, curve_from_threshold_probs(_calibrate(state, probs), self.params.rtp)
            )
        return rows
