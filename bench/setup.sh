#!/usr/bin/env bash
# Creates bench/.venv with the pinned Python baselines of bench/requirements.txt.
# Idempotent and quick when nothing changed: a stamp holding the requirements'
# checksum skips pip entirely.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || { echo "bench/setup.sh: $PYTHON is required (Python >= 3.10)" >&2; exit 1; }

. ../scripts/venv.sh
make_venv "$PYTHON" .venv

want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ -f .venv/.requirements.sha256 ] && [ "$(cat .venv/.requirements.sha256)" = "$want" ]; then
  echo "bench/setup.sh: bench/.venv is up to date"
  exit 0
fi

.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# Fails loudly now rather than in the middle of a benchmark.
.venv/bin/python -c "import dask, distributed, dask_ml, sklearn, numpy, pandas, pyarrow, duckdb; print('bench/setup.sh: dask', dask.__version__, 'distributed', distributed.__version__, 'dask-ml', dask_ml.__version__)"
echo "$want" > .venv/.requirements.sha256
