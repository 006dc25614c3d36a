"""Optional extras: the app starts without them, and a feature that needs one names it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aviator.core.extras import MissingExtraError, need


def test_a_missing_extra_is_named_with_the_command_that_installs_it() -> None:
    with pytest.raises(
        MissingExtraError, match=r"the 'plots' extra: pip install 'aviator-predictor\[plots\]'"
    ):
        need("no_such_module_here", "plots", "the calibration plot")
    assert need("json", "none", "json").dumps([]) == "[]"


def test_the_server_and_the_cli_load_without_the_extras() -> None:
    script = (
        "import sys, aviator.api.app, aviator.cli.app; "
        "print(sorted(m for m in ('matplotlib', 'playwright') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_domain_error_survives_the_trip_from_a_worker_process() -> None:
    import pickle

    from aviator.core.errors import RateLimited

    error = pickle.loads(pickle.dumps(RateLimited(["a", "b"], "busy", retry_after=3.0)))
    assert isinstance(error, RateLimited) and (error.detail, error.code, error.retry_after) == (
        ["a", "b"],
        "busy",
        3.0,
    )
