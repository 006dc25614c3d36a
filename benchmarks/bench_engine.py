"""The engine at scale: per-round step cost with 100k rounds stored, and an ensemble retrain on 100k
rounds while the event loop keeps serving (its lag measured the whole time).

Run: ``.venv/bin/python benchmarks/bench_engine.py [--rounds 100000] [--live 2000]``. Prints figures;
no assertions. Targets (issue 3): step p99 < 5 ms (house, empirical, heuristic, online); a forecast at
20k rounds < 10 ms; ensemble retrain on 100k rounds < 30 s with event-loop lag p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from aviator.bus.memory import MemoryBus
from aviator.core.curve import FloatArray
from aviator.core.rounds import round_key
from aviator.core.runtime import RuntimeSettings
from aviator.live.engine import Engine
from aviator.live.trainer import RetrainPolicy, Trainer
from aviator.models.base import ModelParams
from aviator.models.ensemble import EnsembleModel
from aviator.store.db import connect, migrate
from aviator.store.repository import Store

RTP = 0.97
FAST_MODELS = ["house", "empirical", "heuristic", "online"]


def simulate(n: int, seed: int) -> FloatArray:
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(100 * RTP / (1 - u)) / 100), dtype=np.float64)


def fill(store: Store, values: FloatArray, start: int) -> None:
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i, value in enumerate(values, start=start):
        ts = t0 + timedelta(seconds=i)
        rows.append({"key": round_key("bench", str(i), ts, value), "source": "bench", "round_id": str(i),
                     "multiplier": float(value), "ts": ts})  # fmt: skip
    for chunk in range(0, len(rows), 50_000):
        store.bulk_add(rows[chunk : chunk + 50_000])


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


async def engine_steps(store: Store, history: int, live: int) -> None:
    engine = Engine(store, MemoryBus(), RuntimeSettings(), FAST_MODELS)
    started = time.perf_counter()
    await engine.start()
    print(f"start-up with {history:,} rounds stored: {time.perf_counter() - started:.2f} s")
    fill(store, simulate(live, 2), history)
    started = time.perf_counter()
    done = await engine.process_new_rounds()
    elapsed = time.perf_counter() - started
    steps = list(engine.step_ms)[-done:]
    print(f"engine.step over {done:,} live rounds ({', '.join(FAST_MODELS)}):")
    print(f"  p50 {pct(steps, 50):.3f} ms   p99 {pct(steps, 99):.3f} ms   max {max(steps):.3f} ms")
    print(f"  with storage and events: {elapsed / done * 1e3:.3f} ms per round on average")
    forecast_ms = [f.details["elapsed_ms"] for f in engine.pending.values()]
    print("  one forecast per model at this history: " + ", ".join(
        f"{name} {ms:.3f} ms" for name, ms in zip(engine.pending, forecast_ms, strict=True)))  # fmt: skip


async def retrain_under_load(series: FloatArray) -> None:
    model = EnsembleModel(ModelParams(rtp=RTP))
    trainer = Trainer(RetrainPolicy())
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1e3)

    async def load() -> FloatArray:
        return series

    tick = asyncio.create_task(ticker())
    report = await trainer.train_now(model, load)
    stop.set()
    await tick
    await trainer.close()
    print(f"ensemble retrain on {report.rounds:,} rounds in a worker process: {report.seconds:.1f} s"
          f" (error: {report.error})")  # fmt: skip
    print(f"  event-loop lag meanwhile: p50 {pct(lags, 50):.2f} ms   p99 {pct(lags, 99):.2f} ms"
          f"   max {max(lags):.2f} ms   ({len(lags)} ticks)")  # fmt: skip
    history = series[-512:]
    times = []
    for _ in range(200):
        before = time.perf_counter()
        model.predict(history)
        times.append((time.perf_counter() - before) * 1e3)
    print(f"  ensemble forecast after training: p50 {pct(times, 50):.2f} ms   p99 {pct(times, 99):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100_000)
    parser.add_argument("--live", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(db)
        store = Store(db)
        series = simulate(args.rounds, 1)
        fill(store, series, 0)
        asyncio.run(engine_steps(store, args.rounds, args.live))
        asyncio.run(retrain_under_load(series))


if __name__ == "__main__":
    main()
