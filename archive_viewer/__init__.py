"""Archive Viewer: a desktop research tool for the records of diplomatic meetings."""

# The one place the version is written (pyproject.toml reads it from here): asking
# importlib.metadata instead costs ~40 ms of start-up for the email package it imports.
__version__ = "0.1.0"
