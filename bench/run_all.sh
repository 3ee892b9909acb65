#!/usr/bin/env bash
# The one benchmark command (`make bench`): scorer, end to end through Kafka (bare ceiling, suhu
# worker x1 and x2, Quix Streams peer), alert latency, engine scaling; then the pipeline tables
# of docs/BENCHMARKS.md are regenerated from the results (var/bench/*.json).
#
#   bench/run_all.sh              full run (200,000 posts; about 10-15 minutes on 2 busy cores)
#   N=20000 bench/run_all.sh      quick run
#   WAIT_QUIET=1 bench/run_all.sh first wait (polls every 30 s, up to QUIET_MAX_S=1800) for a
#                                 1-minute load average < 1.5; runs anyway after that
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
N=${N:-200000}
OUT=var/bench
mkdir -p "$OUT"

if [[ "${WAIT_QUIET:-0}" == 1 ]]; then
  for _ in $(seq $(( ${QUIET_MAX_S:-1800} / 30 ))); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" 'BEGIN { exit !(l < 1.5) }' && break
    echo "load average $load >= 1.5, waiting 30 s"
    sleep 30
  done
fi

echo "== scorer (models/, one core) by batch size"
: > "$OUT/scorer.txt"
for b in 1 16 64 256 1024; do
  taskset -c 0 $PY bench/bench_scorer.py --n 4000 --batch $b --repeat 3 | tee -a "$OUT/scorer.txt"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/scorer.txt"
echo "== engine scaling (regions x window size)"
$PY bench/bench_engine.py --out "$OUT/engine.json"
echo "== end to end through Kafka, alert latency"
$PY bench/bench_e2e.py --n "$N" --timeout "${TIMEOUT:-600}" --out "$OUT/e2e.json"
echo "== alert latency at a lower steady rate"
$PY bench/bench_e2e.py --n 1000 --workers "" --no-peer --no-ceiling --latency-rate 500 --latency-minutes 40 \
  --out "$OUT/latency500.json"
$PY bench/report.py --e2e "$OUT/e2e.json" --latency "$OUT/latency500.json" --engine "$OUT/engine.json" --scorer "$OUT/scorer.txt" \
  --command "N=$N bench/run_all.sh"
