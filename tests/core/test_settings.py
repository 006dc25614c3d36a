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
