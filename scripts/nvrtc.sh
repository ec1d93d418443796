#!/usr/bin/env bash
# Installs NVIDIA's runtime compiler, NVRTC (the PyPI wheel, ~90 MB), into target/nvrtc so
# that the Rust tests compile shoal's CUDA kernels to PTX on a machine with no GPU or CUDA
# toolkit (crates/kernels/src/cuda.rs, `the_kernels_compile_with_nvrtc`; without NVRTC that
# test prints why it skipped). scripts/test-rust.sh puts the library on LD_LIBRARY_PATH.
# Idempotent: a stamp holding the wheel's version skips pip. Does nothing off Linux x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."

# The NVRTC that matches cudarc's "cuda-12080" bindings (crates/kernels/Cargo.toml).
want="nvidia-cuda-nvrtc-cu12==12.8.93"
dir=target/nvrtc
PYTHON="${PYTHON:-python3}"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "scripts/nvrtc.sh: skipped: NVRTC wheels are installed for Linux x86-64 only"
  exit 0
fi
if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
  echo "scripts/nvrtc.sh: $dir is up to date"
  exit 0
fi
command -v "$PYTHON" >/dev/null 2>&1 || { echo "scripts/nvrtc.sh: $PYTHON is required" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir"
. scripts/venv.sh
make_venv "$PYTHON" "$dir/venv"
"$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$want"
ls "$dir"/venv/lib/python3*/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12 >/dev/null
echo "$want" > "$dir/.installed"
echo "scripts/nvrtc.sh: installed $want into $dir"
