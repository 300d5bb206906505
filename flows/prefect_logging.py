"""Quiet two noisy loggers of Prefect's temporary server, derived from Prefect's own logging config.

Prefect 3.8's ephemeral server runs its telemetry heartbeat even with analytics disabled
(PrefectHQ/prefect#21314); offline it fails and logs a long traceback ("database is locked" or
"Failed to send telemetry") through the ``docket`` and ``prefect.server.services.telemetry``
loggers. We load the installed Prefect's default ``logging.yml``, set those two loggers to
CRITICAL, write the result under ``PREFECT_HOME`` and point ``PREFECT_LOGGING_SETTINGS_PATH`` at
it. Must run before Prefect is imported.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import yaml

QUIET = ("docket", "prefect.server.services.telemetry")


def prefect_default_logging() -> Path | None:
    """The installed Prefect's default logging.yml (found without importing Prefect)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "logging" / "logging.yml"
    return path if path.is_file() else None


def use_quiet_logging(prefect_home: Path) -> None:
    """Write the derived config into ``prefect_home`` and tell Prefect to use it."""
    if "PREFECT_LOGGING_SETTINGS_PATH" in os.environ:
        return  # the user chose a logging config: respect it
    default = prefect_default_logging()
    if default is None:
        return
    config = yaml.safe_load(default.read_text())
    for name in QUIET:
        config.setdefault("loggers", {})[name] = {"level": "CRITICAL", "propagate": False}
    prefect_home.mkdir(parents=True, exist_ok=True)
    target = prefect_home / "logging.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(target)
