# Sourced by bench/setup.sh and scripts/nvrtc.sh: `make_venv PYTHON DIR` creates a Python
# virtual environment at DIR unless one is there, installing python3-venv with apt-get when
# the interpreter lacks it (Debian/Ubuntu ship venv without ensurepip in a separate package).
make_venv() {
  local python="$1" dir="$2"
  [ -x "$dir/bin/python" ] && return 0
  if ! "$python" -m venv "$dir" 2>/dev/null; then
    rm -rf "$dir"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    "$python" -m venv "$dir"
  fi
}
