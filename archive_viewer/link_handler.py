"""``archive-viewer://`` links opened by the app: the desktop entry that registers the scheme.

On Linux desktops (freedesktop.org) a scheme is handled by the application whose .desktop file
lists ``x-scheme-handler/<scheme>`` and that ``xdg-mime`` names as its default; the desktop
then runs its ``Exec`` line with the link for ``%u``: ``archive-viewer open <link>``. macOS
(an app bundle's Info.plist) and Windows (the registry) register schemes for installed
applications; this app is not packaged as one there, so links are opened with the command.
No Qt.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from archive_viewer.data_out.atomic import WriteError, atomic_text_file
from archive_viewer.identifiers import SCHEME

DESKTOP_FILE_NAME = "archive-viewer-links.desktop"
MIME_TYPE = f"x-scheme-handler/{SCHEME}"
#: The installable entry in the source tree (its Exec runs ``archive-viewer`` from the PATH).
RESOURCE = Path(__file__).resolve().parent.parent / "resources" / DESKTOP_FILE_NAME

Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def desktop_entry(command: str = "archive-viewer") -> str:
    """The .desktop file that makes ``command open %u`` the handler of archive-viewer links."""
    return f"""[Desktop Entry]
Type=Application
Version=1.0
Name=Archive Viewer
GenericName=Meeting records
Comment=Open links to meetings, sections and statements of an Archive Viewer archive
Exec={command} open %u
Icon=accessories-text-editor
Terminal=false
NoDisplay=true
MimeType={MIME_TYPE};
Categories=Office;Education;
"""


def launcher_command(argv0: str | None = None) -> str:
    """How the desktop should start this installation, quoted for an Exec line: the
    ``archive-viewer`` script that is running (or on the PATH), else this Python with ``-m``."""
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    if script.name == "archive-viewer" and script.is_file():
        parts = [str(script.resolve())]
    elif found := shutil.which("archive-viewer"):
        parts = [str(Path(found).resolve())]
    else:
        parts = [sys.executable, "-m", "archive_viewer"]
    # The desktop entry spec quotes arguments with double quotes, as a POSIX shell would.
    return " ".join(part if shlex.quote(part) == part else '"' + part.replace('"', r'\"') + '"'
                    for part in parts)


def applications_folder(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/applications``, by default ``~/.local/share/applications``."""
    environ = os.environ if environ is None else environ
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "applications"


@dataclass
class Registration:
    """What :func:`register_links` did, a sentence a step; ``ok`` unless the file failed."""

    desktop_file: Path | None = None
    steps: list[str] = field(default_factory=list)
    ok: bool = True


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def register_links(*, environ: Mapping[str, str] | None = None, command: str | None = None,
                   run: Runner = _run, platform: str = sys.platform) -> Registration:
    """Install the desktop entry in the user's applications folder and make it the default
    handler of archive-viewer links (best effort: every step says what happened)."""
    done = Registration()
    if not platform.startswith("linux") and "bsd" not in platform:
        done.steps.append(
            "Links can be registered on Linux desktops only; here, open an identifier with "
            "`archive-viewer open av:…` (it also takes archive-viewer:// links).")
        return done
    folder = applications_folder(environ)
    target = folder / DESKTOP_FILE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_text_file(target) as out:
            out.write(desktop_entry(command or launcher_command()))
    except (OSError, WriteError) as exc:
        done.ok = False
        done.steps.append(str(exc) if isinstance(exc, WriteError)
                          else f"Could not create {folder}: {exc.strerror or exc}.")
        return done
    done.desktop_file = target
    done.steps.append(f"Wrote {target}.")
    for tool, arguments, success, missing in (
            ("xdg-mime", ["default", DESKTOP_FILE_NAME, MIME_TYPE],
             f"Made it the default handler of {SCHEME}:// links (xdg-mime).",
             "xdg-mime was not found (it comes with xdg-utils): install it and run this again, "
             "or choose Archive Viewer for archive-viewer links in your desktop's settings."),
            ("update-desktop-database", [str(folder)],
             "Updated the desktop's list of handlers (update-desktop-database).",
             "update-desktop-database was not found (it comes with desktop-file-utils); most "
             "desktops notice the new file by themselves.")):
        if shutil.which(tool) is None:
            done.steps.append(missing)
            continue
        try:
            outcome = run([tool, *arguments])
        except (OSError, subprocess.SubprocessError) as exc:
            done.steps.append(f"{tool} could not run: {exc}.")
            continue
        if outcome.returncode == 0:
            done.steps.append(success)
        else:
            problem = (outcome.stderr or outcome.stdout or "").strip().splitlines()
            done.steps.append(f"{tool} failed (exit status {outcome.returncode})"
                              + (f": {problem[-1]}" if problem else "") + ".")
    return done
