#!/usr/bin/env bash
# The one benchmark command (`make bench`): it reproduces every table of docs/BENCHMARKS.md.
#   scorer: fast tier by batch size, transformer tier by mode and batch, civil false positives
#   end to end through Kafka: bare ceiling, suhu worker x1 and x2, Quix Streams peer (same run),
#   one worker with the coordination detector off
#   alert latency at two steady rates; known-hoax matching (bench/bench_claims.py); recovery reads
#   (bench/bench_recovery_read.py); engine cost by regions
#   and window size; a py-spy profile
# then bench/report.py renders docs/BENCHMARKS.md from the results (var/bench/*).
#
#   bench/run_all.sh              full run (200,000 posts; about 25-30 minutes on 2 cores)
#   N=20000 bench/run_all.sh      quick run
#   TF_DIR=var/tf-scratch ...     time a trained transformer checkpoint (default: var/tf-scratch when
#                                 present, else an untrained one of the same shape, bench/shape_checkpoint.py)
#   CATCHUP_RATE=2000 ...          the issue's surge for the catch-up run (default 500 posts/s; CATCHUP=0 skips it)
#   WAIT_QUIET=1 bench/run_all.sh first wait (polls every 30 s, up to QUIET_MAX_S=1800) for a
#                                 1-minute load average < 1.5; runs anyway after that
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
N=${N:-200000}
OUT=var/bench
mkdir -p "$OUT"
# A result this run does not produce (a step skipped or failed) must not be rendered as if it were
# from this run: earlier results move to var/bench/previous/ first.
mkdir -p "$OUT/previous"
find "$OUT" -maxdepth 1 -type f \( -name '*.json' -o -name '*.txt' -o -name '*.raw' -o -name '*.log' \) \
  -exec mv -f {} "$OUT/previous/" \;
STARTED=$(date -u +"%Y-%m-%d %H:%M UTC")

if [[ "${WAIT_QUIET:-0}" == 1 ]]; then
  for _ in $(seq $(( ${QUIET_MAX_S:-1800} / 30 ))); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" 'BEGIN { exit !(l < 1.5) }' && break
    echo "load average $load >= 1.5, waiting 30 s"
    sleep 30
  done
fi

echo "== scorer, fast tier (models/, one core) by batch size"
: > "$OUT/scorer.txt"
for b in 1 16 64 256 1024; do
  taskset -c 0 $PY bench/bench_scorer.py --n 4000 --batch $b --repeat 3 | tee -a "$OUT/scorer.txt"
done
echo "== scorer, civil false positives"
$PY bench/bench_scorer.py --civil | tee "$OUT/civil.txt"
echo "== generator and entity masking, one core"
taskset -c 0 $PY bench/bench_generator.py | tee "$OUT/generator.txt"

echo "== scorer, transformer tier by mode and batch"
TF_DIR=${TF_DIR:-}
if [[ -z "$TF_DIR" && -f var/tf-scratch/config.json ]]; then TF_DIR=var/tf-scratch; fi
if [[ -z "$TF_DIR" ]]; then
  TF_DIR="$OUT/tf-shape"
  [[ -f "$TF_DIR/config.json" ]] || $PY bench/shape_checkpoint.py "$TF_DIR"
fi
: > "$OUT/transformer.txt"
taskset -c 0 $PY bench/bench_scorer.py --n 2000 --batch 256 --repeat 3 | tee -a "$OUT/transformer.txt"
for mode in all cascade; do
  for b in 1 8 32 128; do
    n=2000; [[ $b == 1 ]] && n=600
    taskset -c 0 $PY bench/bench_scorer.py --transformer-dir "$TF_DIR" --mode $mode --n $n --batch $b --repeat 3 \
      2>/dev/null | tee -a "$OUT/transformer.txt"
  done
done
$PY - "$TF_DIR" >> "$OUT/transformer.txt" <<'EOF'
import json, sys
from pathlib import Path
d = Path(sys.argv[1]); meta = json.loads((d / "suhu_transformer.json").read_text())
cfg = json.loads((d / "config.json").read_text())
print(f"# checkpoint {d}: version {meta.get('version')}; {cfg['num_hidden_layers']} layers, hidden {cfg['hidden_size']}, "
      f"{cfg['num_attention_heads']} heads, vocabulary {cfg['vocab_size']}, inputs padded to {meta.get('max_length')}")
EOF

echo "== known-hoax matching, 20,000-claim synthetic catalogue, one core"
taskset -c 0 $PY bench/bench_claims.py --out "$OUT/claims.json"
echo "== recovery reads through kafka-python (record CRC-32C: C extension and pure-Python fallback)"
$PY bench/bench_recovery_read.py --mib 100 --out "$OUT/recovery_read.json" || echo "recovery-read run failed: the report says so"
echo "== engine scaling (regions x window size)"
$PY bench/bench_engine.py --out "$OUT/engine.json"
echo "== end to end through Kafka, alert latency"
$PY bench/bench_e2e.py --n "$N" --timeout "${TIMEOUT:-600}" --out "$OUT/e2e.json"
echo "== one worker with the coordination detector off (issue 14: on >= 80 % of off)"
BENCH_WORKER_COORDINATION=false $PY bench/bench_e2e.py --n "$N" --workers 1 --no-peer --no-latency --no-ceiling \
  --timeout "${TIMEOUT:-600}" --out "$OUT/e2e_coordination_off.json" || echo "coordination-off run failed: the report says so"
echo "== alert latency at a lower steady rate"
$PY bench/bench_e2e.py --n 1000 --workers "" --no-peer --no-ceiling --latency-rate 500 --latency-minutes 40 \
  --out "$OUT/latency500.json"
echo "== catch-up after a 30-minute worker outage during a surge (CATCHUP=0 skips it)"
if [[ "${CATCHUP:-1}" == 1 ]]; then
  $PY bench/bench_catchup.py --rate "${CATCHUP_RATE:-500}" --lead-minutes 2 --outage-minutes "${CATCHUP_MINUTES:-30}" \
    --tail-minutes 3 --out "$OUT/catchup.json" || echo "catch-up run failed: the report says so"
fi
echo "== profile of one worker under load (py-spy)"
rm -f "$OUT/profile.raw"
$PY bench/bench_e2e.py --n 30000 --workers 1 --no-latency --no-peer --no-ceiling --timeout 300 \
  --profile "$OUT/profile.raw" --out "$OUT/profile.json" || echo "profile run failed: the report says so"

$PY bench/report.py --claims "$OUT/claims.json" --recovery-read "$OUT/recovery_read.json" --catchup "$OUT/catchup.json" --e2e "$OUT/e2e.json" --latency "$OUT/latency500.json" --engine "$OUT/engine.json" \
  --scorer "$OUT/scorer.txt" --civil "$OUT/civil.txt" --transformer "$OUT/transformer.txt" \
  --profile "$OUT/profile.raw" --started "$STARTED" --command "N=$N bench/run_all.sh"
