from __future__ import annotations

import numpy as np
import pytest

from aviator.fairness.planted import PLANT_KINDS, Plant, fair_rounds, lag_information, planted_rounds


def _survival(values: np.ndarray, m: float) -> float:
    return float((values >= m - 1e-9).mean())


def test_fair_rounds_follow_the_law_on_the_cent_grid() -> None:
    x = fair_rounds(200_000, 0.97, seed=3)
    assert np.all(np.abs(np.round(x * 100) - x * 100) < 1e-6)
    for m in (1.01, 2.0, 5.0, 20.0):
        assert _survival(x, m) == pytest.approx(0.97 / m, abs=4 * np.sqrt(0.97 / m / 200_000))
    assert _survival(x, 1.0) == 1.0


def test_the_lag_plant_keeps_the_law_of_each_round_and_links_neighbours() -> None:
    x = planted_rounds(200_000, Plant(kind="lag", strength=0.2, threshold=2.0), seed=4)
    reach = x >= 2.0
    assert reach.mean() == pytest.approx(0.485, abs=0.006)
    assert _survival(x, 10.0) == pytest.approx(0.097, abs=0.003)
    after_hit = reach[1:][reach[:-1]].mean()
    after_miss = reach[1:][~reach[:-1]].mean()
    assert after_hit == pytest.approx(0.485 + 0.2 * 0.515, abs=0.01)
    assert after_miss == pytest.approx(0.485 - 0.2 * 0.485, abs=0.01)


def test_cap_and_thin_change_only_the_tail() -> None:
    capped = planted_rounds(100_000, Plant(kind="cap", level=20.0), seed=5)
    assert capped.max() == 20.0 and _survival(capped, 2.0) == pytest.approx(0.485, abs=0.01)
    thinned = planted_rounds(100_000, Plant(kind="thin", strength=0.5, level=20.0), seed=5)
    assert _survival(thinned, 40.0) == pytest.approx(0.97 / 40 / 2, abs=0.002)
    # the dropped tail comes back as draws below the level: P(M >= 2) falls by s P(M >= L) P(M < 2 | M < L)
    tail = 0.97 / 20
    expected = 0.485 - 0.5 * tail * (1 - (0.485 - tail) / (1 - tail))
    assert _survival(thinned, 2.0) == pytest.approx(expected, abs=0.006)


@pytest.mark.parametrize("kind", PLANT_KINDS)
def test_every_kind_is_reproducible_and_on_the_grid(kind: str) -> None:
    plant = Plant(kind=kind, strength=0.1)  # type: ignore[arg-type]
    a, b = planted_rounds(5_000, plant, seed=9), planted_rounds(5_000, plant, seed=9)
    assert np.array_equal(a, b) and a.min() >= 1.0
    assert np.all(np.abs(np.round(a * 100) - a * 100) < 1e-6)


def test_lag_information_is_about_two_hundredths_of_a_nat_at_strength_point_two() -> None:
    assert lag_information(0.2) == pytest.approx(0.020, abs=0.001)
    assert lag_information(0.0) == pytest.approx(0.0, abs=1e-12)


def test_bad_plants_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="unknown plant kind"):
        Plant(kind="wobble")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="strength"):
        Plant(kind="lag", strength=1.5)


def test_the_stream_draws_the_laws_of_the_batch_one_round_at_a_time() -> None:
    from aviator.fairness.planted import PlantedStream

    def stream(plant: Plant, n: int, seed: int) -> np.ndarray:
        source = PlantedStream(plant, 0.97, seed=seed)
        return np.array([source.next() for _ in range(n)])

    lag = stream(Plant(kind="lag", strength=0.3, lag=2), 40_000, 1)
    reach = lag >= 2.0
    assert reach[2:][reach[:-2]].mean() == pytest.approx(0.485 + 0.3 * 0.515, abs=0.015)
    assert reach[2:][~reach[:-2]].mean() == pytest.approx(0.485 - 0.3 * 0.485, abs=0.015)
    periodic = stream(Plant(kind="periodic", strength=0.2, period=40), 40_000, 2)
    phase = np.arange(40_000) % 40
    rising, falling = periodic[phase == 10], periodic[phase == 30]  # sin = +1 and -1
    assert _survival(rising, 1.01) == pytest.approx(1.0 / 1.01, abs=0.02)  # 0.97 * 1.2, kept at most 1
    assert _survival(falling, 1.01) == pytest.approx(0.97 * 0.8 / 1.01, abs=0.02)
    shortfall = stream(Plant(kind="shortfall", strength=0.1), 40_000, 3)
    assert _survival(shortfall, 2.0) == pytest.approx(0.87 / 2, abs=0.01)
    assert np.all(np.abs(np.round(shortfall * 100) - shortfall * 100) < 1e-6)
    regime = stream(Plant(kind="regime", strength=0.1, switch=0.01), 40_000, 4)
    assert _survival(regime, 2.0) == pytest.approx((0.87 + 1.0) / 4, abs=0.02)
    assert stream(Plant(kind="cap", level=5.0), 5_000, 5).max() == 5.0
