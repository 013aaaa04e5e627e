"""Guards against the PySide6 release that loses a reference to None on every void Qt call.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` each time a Qt method that
returns nothing is called; after about 5,000 calls the interpreter aborts with
``Fatal Python error: none_dealloc``. pyproject.toml pins PySide6 below 6.12 for Python
older than 3.12. These tests make sure an upgrade cannot bring the bug back unnoticed.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import PySide6

CALLS = 20_000

# Run in a child process: with the bug the interpreter aborts, and that must fail this test,
# not kill the whole test run.
_CHILD = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtCore import QObject, QTimer

    obj, timer = QObject(), QTimer()
    before = sys.getrefcount(None)
    for i in range({CALLS} // 2):
        obj.setObjectName("n")      # void
        timer.setInterval(i % 50)   # void
    after = sys.getrefcount(None)
    print(before, after)
    """
)


def test_void_qt_calls_keep_references_to_none() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"{CALLS} void Qt calls crashed the interpreter (PySide6 {PySide6.__version__}, "
        f"Python {sys.version.split()[0]}): {result.stderr.strip()[-500:]}"
    )
    before, after = map(int, result.stdout.split())
    assert after >= before, (
        f"sys.getrefcount(None) fell from {before} to {after} over {CALLS} void Qt calls: "
        f"PySide6 {PySide6.__version__} leaks None references on this Python"
    )


def test_installed_pyside6_obeys_the_pin_for_this_python() -> None:
    installed = tuple(PySide6.__version_info__[:2])
    if sys.version_info < (3, 12):
        assert installed < (6, 12), (
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]}: releases 6.12+ "
            "abort with none_dealloc on Python < 3.12; keep the pin in pyproject.toml"
        )
    else:
        assert installed >= (6, 11)
