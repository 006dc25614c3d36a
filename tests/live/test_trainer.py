"""The trainer: retrain policy, training in a worker process, never blocking the event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from aviator.core.curve import FloatArray, house_survival
from aviator.live.trainer import RetrainPolicy, Trainer, TrainingReport
from aviator.models.base import BatchModel, ModelParams
from aviator.models.ensemble import EnsembleModel


def simulate(n: int, seed: int = 0) -> FloatArray:
    u = np.random.default_rng(seed).random(n)
    return np.asarray(np.maximum(1.0, np.floor(97 / (1 - u)) / 100), dtype=np.float64)


class SlowModel(BatchModel):
    """A batch model whose training takes a while (or fails), for thread-pool tests."""

    name = "slow"
    description = "test double"
    seconds = 0.3
    fail = False

    @classmethod
    def train(cls, series: FloatArray, params: ModelParams) -> Any:
        time.sleep(cls.seconds)
        if cls.fail:
            raise RuntimeError("boom")
        return {"n": len(series)}

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        return house_survival(self.params.rtp), {}


def loader(series: FloatArray) -> Any:
    async def load() -> FloatArray:
        return series

    return load


def test_policy_arithmetic() -> None:
    policy = RetrainPolicy(min_rounds=30, every=5, fraction=0.05)
    assert not policy.due(29, None) and policy.due(30, None)
    assert not policy.due(31, 30) and policy.due(32, 30)  # 2 new >= 5% of 30
    assert not policy.due(1004, 1000) and policy.due(1005, 1000)  # 5 new (every)
    assert not policy.due(1000, 1000)
    big = RetrainPolicy(min_rounds=30, every=100, fraction=0.05)
    assert big.due(41, 40) is False and big.due(42, 20) is True  # 2 >= 0.05 * 20 = 1
    assert big.due(1050, 1000) and not big.due(1049, 1000)


def test_train_now_trains_the_ensemble_in_a_process_pool() -> None:
    model = EnsembleModel()
    trainer = Trainer(RetrainPolicy())
    seen: list[tuple[str, TrainingReport]] = []
    trainer.on_trained = lambda name, report: seen.append((name, report))

    async def run() -> TrainingReport:
        try:
            return await trainer.train_now(model, loader(simulate(400)))
        finally:
            await trainer.close()

    report = asyncio.run(run())
    assert report.error is None and report.rounds == 400
    assert model.trained and model.trained_on == 400
    assert report.scores["samples_tested"] == 80
    status = trainer.status()
    assert status.training == []
    assert status.models["ensemble"].rounds_trained_on == 400
    assert seen and seen[0][0] == "ensemble"


def test_maybe_retrain_does_not_block_the_event_loop() -> None:
    model = EnsembleModel()
    trainer = Trainer(RetrainPolicy())

    async def run() -> tuple[list[str], list[float]]:
        ticks: list[float] = []
        started = await trainer.maybe_retrain({"ensemble": model}, 20_000, loader(simulate(20_000)))
        while trainer.training_now():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)
        await trainer.close()
        return started, ticks

    started, ticks = asyncio.run(run())
    assert started == ["ensemble"] and model.trained
    assert len(ticks) > 20  # the training took a while, and the loop kept ticking through it
    assert max(np.diff(ticks)) < 0.5


def test_one_training_at_a_time_and_a_recheck_when_it_ends() -> None:
    model = SlowModel()
    trainer = Trainer(RetrainPolicy(min_rounds=30, every=5), ThreadPoolExecutor(max_workers=2))
    series = simulate(100)

    async def run() -> list[list[str]]:
        first = await trainer.maybe_retrain({"slow": model}, 50, loader(series[:50]))
        second = await trainer.maybe_retrain({"slow": model}, 60, loader(series[:60]))
        assert trainer.training_now() == ["slow"]
        while model.trained_on != 60:  # the rounds that arrived meanwhile start a second training
            await asyncio.sleep(0.02)
        await trainer.close()
        return [first, second]

    first, second = asyncio.run(run())
    assert first == ["slow"] and second == []
    assert model.fitted == {"n": 60}


def test_a_failed_training_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SlowModel, "fail", True)
    monkeypatch.setattr(SlowModel, "seconds", 0.0)
    model = SlowModel()
    trainer = Trainer(RetrainPolicy(), ThreadPoolExecutor(max_workers=1))

    async def run() -> TrainingReport:
        report = await trainer.train_now(model, loader(simulate(40)))
        assert await trainer.maybe_retrain({"slow": model}, 41, loader(simulate(41))) == []
        await trainer.close()
        return report

    report = asyncio.run(run())
    assert report.error == "RuntimeError: boom"
    assert not model.trained
    assert trainer.status().models["slow"].last_error == "RuntimeError: boom"


def test_close_stops_a_training_still_running() -> None:
    series = np.maximum(1.0, np.floor(97 / (1 - np.random.default_rng(3).random(200_000))) / 100)

    async def scenario() -> float:
        trainer = Trainer(RetrainPolicy())
        model = EnsembleModel()

        async def load() -> FloatArray:
            return series

        started = await trainer.maybe_retrain({"ensemble": model}, len(series), load)
        assert started == ["ensemble"]
        await asyncio.sleep(1.0)  # the worker is importing or training now
        workers = list(trainer._pool()._processes.values())  # type: ignore[attr-defined]
        before = time.perf_counter()
        await trainer.close()
        for worker in workers:
            worker.join(timeout=10)
            assert not worker.is_alive()
        return time.perf_counter() - before

    assert asyncio.run(scenario()) < 10


def test_a_worker_that_dies_is_reported_in_words_and_the_next_training_gets_a_new_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    series = np.maximum(1.0, np.floor(97 / (1 - np.random.default_rng(4).random(200_000))) / 100)

    async def scenario() -> tuple[TrainingReport, TrainingReport]:
        trainer = Trainer(RetrainPolicy())
        model = EnsembleModel()

        async def load() -> FloatArray:
            return series

        training = asyncio.create_task(trainer.train_now(model, load))
        while not getattr(trainer._executor, "_processes", None):  # the worker is being started
            await asyncio.sleep(0.05)
        for worker in list(trainer._executor._processes.values()):  # type: ignore[union-attr]
            worker.kill()  # as a stop of the process group, or the kernel's OOM killer, would
        killed = await training
        again = await trainer.train_now(model, loader(simulate(400)))
        await trainer.close()
        return killed, again

    with caplog.at_level("WARNING", logger="aviator.live.trainer"):
        killed, again = asyncio.run(scenario())
    assert killed.error == "the training's worker process ended before it finished"
    assert "Traceback" not in caplog.text and "stopped: the training's worker" in caplog.text
    assert again.error is None and again.rounds == 400


def _ignore_sigterm(ready: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def test_a_worker_that_ignores_sigterm_is_killed() -> None:
    from aviator.live.trainer import _stop

    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    worker = context.Process(target=_ignore_sigterm, args=(ready,))
    worker.start()
    assert ready.wait(30)
    _stop([worker], grace=0.5)
    assert not worker.is_alive() and worker.exitcode == -signal.SIGKILL
