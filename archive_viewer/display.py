"""Whether a window can be opened here. No Qt: checked before Qt starts, since Qt aborts the
process with a trace when its platform plugin finds no display."""
from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping

EXIT_NO_DISPLAY = 2
NO_DISPLAY_MESSAGE = (
    "No display found: run the app under a graphical session, "
    "or without one as `xvfb-run -a archive-viewer`."
)

def display_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """Why Qt could not open a window here, in one sentence; None when it can (or may).

    Checked before the QApplication exists, because Qt aborts the process with a trace
    when its platform plugin finds no display.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if environ.get("QT_QPA_PLATFORM") or environ.get("WAYLAND_DISPLAY"):
        return None
    display = environ.get("DISPLAY", "")
    if not display:
        return NO_DISPLAY_MESSAGE
    if not _local_x_display_answers(display):
        return (f"Cannot connect to the display {display!r}: check DISPLAY, or run the app "
                "without one as `xvfb-run -a archive-viewer`.")
    return None


def _local_x_display_answers(display: str) -> bool:
    """False only for a local X display (":0") whose socket nobody listens on."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if host not in ("", "unix") or not number.isdigit():
        return True  # remote or unusual displays: let Qt try
    socket_path = f"/tmp/.X11-unix/X{number}"
    for address in ("\0" + socket_path, socket_path):  # abstract namespace first (Linux)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
                return True
            except OSError:
                continue
    return False
