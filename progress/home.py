"""Where postprep keeps its data (POSTPREP_HOME) and the user's drill files (the workspace)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path


def data_home() -> Path:
    """`POSTPREP_HOME`, else the platform's user data folder. Holds progress.db and config.toml."""
    if env := os.environ.get("POSTPREP_HOME"):
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("postprep", appauthor=False)


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
        return Path(env).expanduser()
    if configured := config(home).get("workspace"):
        return Path(configured).expanduser()
    return Path.home() / "postprep"


class ConfigError(Exception):
    """config.toml cannot be read; the message says which file and what to do."""


class StoreError(Exception):
    """progress.db cannot be used; the message names the file and what to do."""
