"""Per-model costs: predict and learn_one at 20k rounds, ensemble training, predict_range throughput.

Run: ``.venv/bin/python benchmarks/bench_models.py [--quick]``. Prints a table (wall and CPU time);
no assertions. CPU time is the fairer figure on a shared machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from aviator.core.curve import FloatArray
from aviator.models import registry
from aviator.models.base import HISTORY_WINDOW, BatchModel, ModelParams
from aviator.models.ensemble import EnsembleModel

RTP = 0.97


def simulate(n: int, seed: int = 0) -> FloatArray:
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(100 * RTP / (1 - u)) / 100), dtype=np.float64)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Mean (wall, cpu) seconds per call."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - wall) / repeat, (time.process_time() - cpu) / repeat


def row(label: str, wall: float, cpu: float, unit: str = "ms", scale: float = 1e3) -> None:
    print(f"{label:<46} {wall * scale:>12.3f} {cpu * scale:>12.3f}  {unit}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes (10k training, 100k range)")
    args = parser.parse_args()
    history_rounds = 20_000
    train_rounds = 10_000 if args.quick else 100_000
    range_rounds = 100_000 if args.quick else 1_000_000
    series = simulate(history_rounds + 1_000)
    print(f"{'measure':<46} {'wall':>12} {'cpu':>12}")

    for name in registry.known_models():
        model = registry.create_model(name)
        if isinstance(model, BatchModel):
            model.install(type(model).train(series[:history_rounds], model.params), history_rounds)
        for m in series[:history_rounds]:
            model.learn_one(float(m))
        history = series[history_rounds - HISTORY_WINDOW : history_rounds]
        predict = partial(model.predict, history)
        row(f"{name}: predict() at {history_rounds} rounds", *timed(predict, 200))
        extra = iter(series[history_rounds:])
        learn = partial(lambda m, it: m.learn_one(float(next(it))), model, extra)
        row(f"{name}: learn_one()", *timed(learn, 1_000), "us", 1e6)

    big = simulate(train_rounds, seed=1)
    row(
        f"ensemble: train() on {train_rounds} rounds",
        *timed(lambda: EnsembleModel.train(big, ModelParams()), 1),
        "s",
        1,
    )

    long = simulate(range_rounds, seed=2)
    for name in ("house", "empirical", "heuristic"):
        model = registry.create_model(name)
        wall, cpu = timed(partial(model.predict_range, long, 0, range_rounds), 1)
        print(
            f"{name + f': predict_range on {range_rounds} rounds':<46} {range_rounds / wall:>12,.0f} "
            f"{range_rounds / cpu:>12,.0f}  rounds/s"
        )


if __name__ == "__main__":
    main()
