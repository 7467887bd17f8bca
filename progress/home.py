"""Where postprep keeps its data (POSTPREP_HOME) and the user's drill files (the workspace)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path


def data_home() -> Path:
    """`POSTPREP_HOME`, else the platform's user data folder. Holds progress.db and config.toml."""
    if env := os.environ.get("POSTPREP_HOME"):
        return folder(Path(env).expanduser(), "POSTPREP_HOME")
    from platformdirs import user_data_path

    return folder(user_data_path("postprep", appauthor=False), "postprep's data folder")


def folder(path: Path, what: str) -> Path:
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{what} is {path}, which is a file, not a folder: point it at a folder.")
    return path


def config(home: Path | None = None) -> dict:
    path = (home or data_home()) / "config.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or delete it.") from None


def workspace_dir(home: Path | None = None) -> Path:
    """The visible folder with the user's drill files: POSTPREP_WORKSPACE, config's `workspace`, or ~/postprep."""
    if env := os.environ.get("POSTPREP_WORKSPACE"):
        return folder(Path(env).expanduser(), "POSTPREP_WORKSPACE")
    if configured := config(home).get("workspace"):
        return folder(Path(configured).expanduser(), "The workspace in config.toml")
    return folder(Path.home() / "postprep", "The workspace")


class ConfigError(Exception):
    """config.toml cannot be read; the message says which file and what to do."""


class StoreError(Exception):
    """progress.db cannot be used; the message names the file and what to do."""


def database_error(path: Path, exc: Exception) -> StoreError:
    """What to tell the user when SQLite refuses progress.db."""
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return StoreError(f"{path} is busy: another postprep is writing to it. Try again in a moment.")
    return StoreError(
        f"{path} is not a postprep database or is damaged ({exc}). postprep left it untouched: "
        "move it away (or set POSTPREP_HOME to another folder) and run the command again."
    )
