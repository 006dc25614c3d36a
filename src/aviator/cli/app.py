"""The ``aviator`` command: run the server, verify rounds, import files, backtest models.

Every command module imports only typer and the standard library at its top; what a command needs
beyond that it imports when it runs, so ``aviator --help`` and ``aviator verify ...`` start fast.
"""

from __future__ import annotations

import typer

from aviator.cli.audit import audit
from aviator.cli.backtest import backtest
from aviator.cli.collect import collect
from aviator.cli.import_files import import_files
from aviator.cli.run import run
from aviator.cli.serve import serve
from aviator.cli.simulate import simulate
from aviator.cli.strategy import strategy
from aviator.cli.verify import verify_app

app = typer.Typer(
    help="Aviator Predictor: live crash-game rounds, forecasts, and each model's measured skill.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("run")(run)
app.command("serve")(serve)
app.add_typer(verify_app, name="verify")
app.command("import")(import_files)
app.command("collect")(collect)
app.command("backtest")(backtest)
app.command("simulate")(simulate)
app.command("strategy")(strategy)
app.command("audit")(audit)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
