"""Where the app's own files and the user's data live. No Qt."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ArchiveViewer"

#: The checkout (or installed source tree) that holds resources/ and db/ beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PROJECT_ROOT / "resources"
SCHEMA_DIR = PROJECT_ROOT / "db"
SAMPLES_DIR = RESOURCES_DIR / "samples"


def data_dir() -> Path:
    """The user's data folder; ARCHIVE_VIEWER_DATA_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("ARCHIVE_VIEWER_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_archive_path() -> Path:
    return data_dir() / "archive.sqlite"


def log_path() -> Path:
    """The log of unexpected errors (with their tracebacks), in the user's data folder."""
    return data_dir() / "logs" / "archive-viewer.log"
