"""The `postprep` command's entry point. `postprep` alone in a terminal opens the app straight away,
without importing the CLI (typer, click): the first screen comes sooner. Everything else is the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) == 1 and sys.stdin.isatty() and sys.stdout.isatty():
        from postprep.progress.home import ConfigError
        from postprep.tui.app import make_app

        try:
            app = make_app()
        except ConfigError as exc:
            sys.stderr.write(f"error: {exc}\n")
            sys.exit(2)
        app.run()
        return
    from postprep.tui.cli import main as cli_main

    cli_main()
