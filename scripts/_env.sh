# Shared set-up for scripts/run-app and scripts/run-tests. Source it; don't run it.
#
# Creates (or reuses) the virtual environment .venv at the repository root with the
# project installed in editable mode with its test extras, and installs the Debian
# packages Qt needs when they are missing (as root; otherwise it prints the one
# `sudo apt-get install ...` line and stops).

AV_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
AV_VENV="$AV_ROOT/.venv"
AV_PYTHON="$AV_VENV/bin/python"
AV_STAMP="$AV_VENV/.archive-viewer-installed"

# What Qt's offscreen platform needs on a bare Debian 12.
AV_QT_OFFSCREEN_DEBS=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3)
# What a real window on an X server (or Xvfb) needs on top of that.
AV_QT_XCB_DEBS=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
                libxcb-shape0 libxkbcommon-x11-0)
AV_XVFB_DEBS=(xvfb xauth)
# What the tests use besides Qt: PDF text and images, a small font set, and CJK glyphs
# (kanji, kana, Hangul) for the PDF export.
AV_TEST_DEBS=(poppler-utils fonts-dejavu-core fonts-droid-fallback)

av_say() { printf '%s\n' "$*" >&2; }
av_die() { av_say "$*"; exit 1; }

# Prints the packages among "$@" that are not installed (none on systems without dpkg).
av_missing_debs() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local pkg status
    for pkg in "$@"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == installed ]] || printf '%s\n' "$pkg"
    done
}

# Installs the Debian packages "$@" that are missing: as root with apt-get; otherwise prints
# the one command to run and exits 1.
av_ensure_debs() {
    local missing
    mapfile -t missing < <(av_missing_debs "$@")
    ((${#missing[@]})) || return 0
    if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        av_die "Missing system packages; install them with: sudo apt-get install -y ${missing[*]}"
    fi
    av_say "Installing system packages: ${missing[*]}"
    local log
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f -- "$log"
        av_die "apt-get could not install: ${missing[*]}"
    fi
    rm -f -- "$log"
}

# Prints the first Python 3.11+ found ($PYTHON first, if set).
av_find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

av_pyproject_hash() {
    sha256sum "$AV_ROOT/pyproject.toml" | cut -d' ' -f1
}

# Creates .venv if it is missing or broken, and (re)installs the project when pyproject.toml
# changed since the last install.
av_ensure_venv() {
    if [[ -x "$AV_PYTHON" ]] \
        && ! "$AV_PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        av_say "The virtual environment in .venv is broken or too old; creating it anew."
        rm -rf -- "$AV_VENV"
    fi
    if [[ ! -x "$AV_PYTHON" ]]; then
        local python
        if ! python="$(av_find_python)"; then
            [[ "$(id -u)" -eq 0 ]] || av_die "Python 3.11 or newer is needed; install it with: sudo apt-get install -y python3 python3-venv"
            av_ensure_debs python3 python3-venv
            python="$(av_find_python)" || av_die "No Python 3.11 or newer found."
        fi
        python="$("$python" -c 'import sys; print(sys.executable)')"  # past pyenv-style shims
        if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
            # Debian splits venv/ensurepip out of its python3 package.
            av_ensure_debs "python3-venv" "$("$python" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')"
        fi
        av_say "Creating the virtual environment in .venv with $python ($("$python" -V 2>&1))."
        rm -rf -- "$AV_VENV"
        "$python" -m venv "$AV_VENV" || av_die "Could not create the virtual environment in .venv."
    fi
    local want
    want="$(av_pyproject_hash)"
    if [[ ! -f "$AV_STAMP" || "$(cat "$AV_STAMP")" != "$want" ]]; then
        av_say "Installing Archive Viewer and its dependencies into .venv (the first time takes a few minutes)."
        local log
        log="$(mktemp)"
        if ! (cd "$AV_ROOT" && "$AV_PYTHON" -m pip install --disable-pip-version-check \
                -e '.[test]') >"$log" 2>&1; then
            tail -n 40 "$log" >&2
            rm -f -- "$log"
            av_die "pip could not install the project into .venv (see the messages above)."
        fi
        rm -f -- "$log"
        printf '%s\n' "$want" >"$AV_STAMP"
    fi
}

# True when Qt can start a QApplication on the given platform plugin (default: offscreen).
av_qt_starts() {
    QT_QPA_PLATFORM="${1:-offscreen}" "$AV_PYTHON" -c \
        'from PySide6.QtWidgets import QApplication; app = QApplication([]); app.processEvents()' \
        >/dev/null 2>&1
}

# True when there is a display to open a window on, or the user chose a Qt platform.
av_has_display() {
    [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" || -n "${QT_QPA_PLATFORM:-}" ]]
}
