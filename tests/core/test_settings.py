from __future__ import annotations

import pytest

from aviator.core.settings import SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.port == 8765 and settings.host == "127.0.0.1" and settings.rtp == 0.97


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVIATOR_PORT", "9000")
    monkeypatch.setenv("AVIATOR_TARGET", "3.5")
    settings = load_settings()
    assert settings.port == 9000 and settings.target == 3.5


def test_bad_value_names_the_setting_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVIATOR_RTP", "1.5")
    monkeypatch.setenv("AVIATOR_PORT", "eighty")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "AVIATOR_RTP='1.5'" in message and "AVIATOR_PORT='eighty'" in message


def test_the_simulator_plants_are_the_planted_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    from typing import get_args

    from aviator.core.settings import PlantName
    from aviator.fairness.planted import PLANT_KINDS

    assert get_args(PlantName) == PLANT_KINDS
    monkeypatch.setenv("AVIATOR_SIM_PLANT", "lag")
    monkeypatch.setenv("AVIATOR_SIM_STRENGTH", "0.3")
    settings = load_settings()
    assert settings.sim_plant == "lag" and settings.sim_strength == 0.3
    monkeypatch.setenv("AVIATOR_SIM_PLANT", "wobble")
    with pytest.raises(SettingsError, match="AVIATOR_SIM_PLANT='wobble'"):
        load_settings()
