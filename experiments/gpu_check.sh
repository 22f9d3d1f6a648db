#!/usr/bin/env bash
# GPU check (docs/benchmarks.md, "GPU"): GRPO of a randomly initialised ~0.5B chat model in bf16 on
# oyrl/Mixed-v0 with a model-written user; prints tokens/s per phase, peak memory and MFU.
# Run from the repository root on a CUDA machine (under 5 minutes on an H100); no download.
set -euo pipefail
PY="${PYTHON:-python3}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # this checkout's oyrl, not another installed one
if ! "$PY" -c "import oyrl, openai" 2>/dev/null; then
  "$PY" -m pip install -q -e . >/dev/null   # keeps the machine's own CUDA torch
fi
export HF_HUB_OFFLINE=1 OYRL_PROGRESS=0
timeout "${GPU_CHECK_TIMEOUT:-290}" "$PY" experiments/gpu_check.py "$@"
