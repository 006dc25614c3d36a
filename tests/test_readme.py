"""The README stays true: it opens with the two commands and lists every setting."""

from __future__ import annotations

from pathlib import Path

from aviator.core.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_opens_with_the_two_commands() -> None:
    head = README.read_text().splitlines()[:6]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)


def test_every_setting_is_in_the_readme_table() -> None:
    text = README.read_text()
    missing = [name for name in Settings.model_fields if f"`AVIATOR_{name.upper()}`" not in text]
    assert missing == []
