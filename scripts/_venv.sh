# Shared by scripts/run-sandbox and scripts/run-tests: create .venv and install the project.
# Usage: ensure_venv EXTRA   (EXTRA is "test" or "sandbox")

VENV="${VENV:-$PWD/.venv}"
PYTHON="${PYTHON:-python3}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    echo "Installing Debian packages: $*" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {
    local extra="$1"
    if ! command -v "$PYTHON" >/dev/null; then
        echo "error: $PYTHON not found; install Python 3.11 or newer." >&2
        exit 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
            # Debian ships venv separately.
            rm -rf "$VENV"
            apt_install python3-venv
            "$PYTHON" -m venv "$VENV"
        fi
        "$VENV/bin/python" -m pip install -q --upgrade pip
    fi
    local stamp="$VENV/.installed-$extra"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        echo "Installing wagtail-coaching[$extra] into $VENV ..." >&2
        "$VENV/bin/python" -m pip install -q -e ".[$extra]"
        touch "$stamp"
    fi
}

# find_python 3.13: print an interpreter of that version (pyenv's or on PATH; shims that
# cannot run it are skipped), or fail.
find_python() {
    local version="$1" candidate
    for candidate in /root/.pyenv/versions/"$version"*/bin/python"$version" "python$version"; do
        if "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.')))" 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python $version not found" >&2
    return 1
}
