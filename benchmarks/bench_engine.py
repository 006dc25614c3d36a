"""The engine at scale: per-round step cost with 100k rounds stored, the per-round cost with three
streams live against one, and an ensemble retrain on 100k rounds while the event loop keeps serving.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--rounds 100000] [--live 2000] [--streams 3]``.
Prints figures; no assertions. Targets: step p99 < 5 ms (house, empirical, heuristic, online); a
forecast at 20k rounds < 10 ms; ensemble retrain on 100k rounds < 30 s with event-loop lag p99 < 50 ms
(issue 3); with three streams live, the cost of a round within 1.5x of the one-stream cost (issue 11).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from aviator.core.curve import FloatArray
from aviator.core.rounds import key_by_id
from aviator.core.runtime import RuntimeSettings
from aviator.core.streams import StreamKind, StreamSpec
from aviator.live.engine import Engine
from aviator.live.trainer import RetrainPolicy, Trainer
from aviator.models.base import ModelParams
from aviator.models.ensemble import EnsembleModel
from aviator.store.db import connect, migrate
from aviator.store.records import round_row
from aviator.store.repository import Store

RTP = 0.97
FAST_MODELS = ["house", "empirical", "heuristic", "online"]
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def simulate(n: int, seed: int) -> FloatArray:
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(100 * RTP / (1 - u)) / 100), dtype=np.float64)


def fresh_store(folder: Path, name: str) -> Store:
    db = connect(f"sqlite:///{folder / name}")
    migrate(db)
    return Store(db)


def fill(store: Store, stream: str, values: FloatArray, start: int) -> None:
    record = store.ensure_stream(StreamSpec(name=stream, kind=StreamKind.IMPORT, rtp=RTP))
    rows = [
        round_row(key=key_by_id(f"{stream}-{i}"), source=stream, round_id=f"{stream}-{i}",
                  multiplier=float(v), ts=T0 + timedelta(seconds=i))
        for i, v in enumerate(values, start=start)
    ]  # fmt: skip
    for chunk in range(0, len(rows), 50_000):
        store.add_rows(record, rows[chunk : chunk + 50_000])


async def _discard(message: str) -> None:
    del message


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


async def engine_steps(store: Store, history: int, live: int) -> None:
    engine = Engine(store, _discard, RuntimeSettings(), FAST_MODELS)
    started = time.perf_counter()
    await engine.start()
    print(f"start-up with {history:,} rounds stored: {time.perf_counter() - started:.2f} s")
    fill(store, "bench", simulate(live, 2), history)
    started = time.perf_counter()
    await engine.process_new_rounds()  # also walks past the rounds learned in bulk at start-up
    elapsed = time.perf_counter() - started
    done = live
    steps = list(engine.step_ms)[-done:]
    print(f"engine.step over {done:,} live rounds ({', '.join(FAST_MODELS)}):")
    print(f"  p50 {pct(steps, 50):.3f} ms   p99 {pct(steps, 99):.3f} ms   max {max(steps):.3f} ms")
    print(f"  with storage and events: {elapsed / done * 1e3:.3f} ms per round on average")
    pending = engine.stream("bench").pending
    print("  one forecast per model at this history: " + ", ".join(
        f"{name} {f.details['elapsed_ms']:.3f} ms" for name, f in pending.items()))  # fmt: skip


async def live_cost(folder: Path, streams: int, history: int, live: int) -> tuple[float, float]:
    """Mean and p99 ms of one round stored and processed on its own, rounds going to ``streams`` streams
    in turn, each with ``history`` rounds stored before."""
    store = fresh_store(folder, f"live{streams}.db")
    names = [f"s{k}" for k in range(streams)]
    for k, name in enumerate(names):
        fill(store, name, simulate(history, 10 + k), 0)
    engine = Engine(store, _discard, RuntimeSettings(), FAST_MODELS)
    await engine.start()
    values = simulate(live, 99)
    records = {name: store.stream(name) for name in names}
    times = []
    for i, value in enumerate(values):
        name = names[i % streams]
        record = records[name]
        assert record is not None
        row = round_row(key=key_by_id(f"{name}-live-{i}"), source=name, round_id=f"{name}-live-{i}",
                        multiplier=float(value), ts=T0 + timedelta(seconds=history + i))  # fmt: skip
        started = time.perf_counter()
        store.add_rows(record, [row])
        await engine.process_new_rounds()
        times.append((time.perf_counter() - started) * 1e3)
    store.engine.dispose()
    return float(np.mean(times)), pct(times, 99)


async def streams_comparison(folder: Path, streams: int, history: int, live: int) -> None:
    one_mean, one_p99 = await live_cost(folder, 1, history, live)
    many_mean, many_p99 = await live_cost(folder, streams, history, live)
    print(f"one round stored and processed live ({', '.join(FAST_MODELS)}; {history:,} rounds stored "
          f"per stream, {live:,} live rounds):")  # fmt: skip
    print(f"  1 stream:  mean {one_mean:.3f} ms   p99 {one_p99:.3f} ms")
    print(f"  {streams} streams: mean {many_mean:.3f} ms   p99 {many_p99:.3f} ms   "
          f"ratio of means {many_mean / one_mean:.2f}x (target <= 1.5x)")  # fmt: skip


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
    parser.add_argument("--streams", type=int, default=3, help="Streams live in the comparison with one.")
    parser.add_argument("--skip-retrain", action="store_true", help="Leave out the ensemble retrain.")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = fresh_store(folder, "bench.db")
        series = simulate(args.rounds, 1)
        fill(store, "bench", series, 0)
        asyncio.run(engine_steps(store, args.rounds, args.live))
        asyncio.run(streams_comparison(folder, args.streams, 20_000, args.live))
        if not args.skip_retrain:
            asyncio.run(retrain_under_load(series))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
