"""Archive Viewer: a desktop research tool for the records of diplomatic meetings."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("archive-viewer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
