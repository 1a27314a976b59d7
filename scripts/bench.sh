#!/usr/bin/env bash
# `make bench`: measures gridtriage and its peers in one run on this machine
# and writes BENCHMARKS.md. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin/gridtriage
DATA=${DATA:-../shared/data}
OUT=${OUT:-BENCHMARKS.md}
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'kill ${server_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
log() { echo "bench: $*" >&2; }

bench/peers/install.sh

# --- accuracy, training time, model size, peers -------------------------
declare -A TRAIN TEST DEV
TRAIN[tipdm2020]=$DATA/tipdm2020/train.jsonl;              TEST[tipdm2020]=$DATA/tipdm2020/dev.jsonl;              DEV[tipdm2020]=$DATA/tipdm2020/dev.jsonl
TRAIN[tipdm2020_titles]=$DATA/tipdm2020_titles/train.jsonl; TEST[tipdm2020_titles]=$DATA/tipdm2020_titles/dev.jsonl; DEV[tipdm2020_titles]=$DATA/tipdm2020_titles/dev.jsonl
TRAIN[corpus]=datasets/corpus/train.jsonl;                  TEST[corpus]=datasets/corpus/test.jsonl;                DEV[corpus]=datasets/corpus/dev.jsonl
for ds in tipdm2020 tipdm2020_titles corpus; do
  log "accuracy on $ds"
  start=$(date +%s.%N)
  # --refit=false: the model scored is the train-only one (TEST is dev for the tipdm2020 sets)
  $BIN train --data "${TRAIN[$ds]}" --dev "${DEV[$ds]}" --refit=false --out "$work/m_$ds" 2> "$work/train_$ds.log"
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "$work/train_seconds_$ds"
  cat "$work/m_$ds/model.onnx" "$work/m_$ds/model.weights" | wc -c > "$work/model_bytes_$ds"
  $BIN eval --model "$work/m_$ds" --data "${TEST[$ds]}" --json > "$work/eval_$ds.json"
  $PY bench/peers/sklearn_svm.py "${TRAIN[$ds]}" "${TEST[$ds]}" > "$work/svm_$ds.json"
  $PY bench/peers/fasttext_peer.py "${TRAIN[$ds]}" "${TEST[$ds]}" > "$work/ft_$ds.json"
done

# the default training command (word and concentration weights chosen on dev, then refitted on train+dev), timed
for ds in tipdm2020 tipdm2020_titles; do
  log "default training command on $ds"
  start=$(date +%s.%N)
  $BIN train --data "${TRAIN[$ds]}" --dev "${DEV[$ds]}" --out "$work/m_default_$ds" 2> "$work/train_default_$ds.log"
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "$work/train_default_seconds_$ds"
done

# --- in-process throughput, short and long reports ----------------------
log "in-process throughput"
$BIN bench --model "$work/m_corpus" --data "$DATA/tipdm2020_titles/dev.jsonl" --max-chars 60 --name short --duration 5s > "$work/bench_short.json"
# the same short texts 256 per call, as the peer predicts a whole array at once
$BIN bench --model "$work/m_corpus" --data "$DATA/tipdm2020_titles/dev.jsonl" --max-chars 60 --name short --duration 5s --batch 256 > "$work/bench_short_batch.json"
$BIN bench --model "$work/m_corpus" --data "$DATA/tipdm2020/dev.jsonl" --min-chars 200 --max-chars 400 --name long --duration 5s > "$work/bench_long.json"
# the same short texts through the jieba + scikit-learn pipeline (model trained on the titles)
$PY bench/peers/sklearn_svm.py "$DATA/tipdm2020_titles/train.jsonl" "$DATA/tipdm2020_titles/dev.jsonl" > "$work/svm_short.json"

# --- server: cold start, HTTP load, RSS ---------------------------------
log "server"
port=18$(( RANDOM % 900 + 100 ))
t0=$(date +%s.%N)
mkdir -p "$work/var"
$BIN token add --tokens "$work/var/tokens.tsv" --name bench --role admin --out "$work/token" 2>/dev/null
export GRIDTRIAGE_TOKEN=$(cat "$work/token")
$BIN serve --model "$work/m_corpus" --addr 127.0.0.1:$port --data-dir "$work/var" --rate 1000000 --burst 1000000 --max-inflight 256 --access-log=false > "$work/serve.log" 2>&1 &
server_pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; do sleep 0.02; done
t1=$(date +%s.%N)
echo "$t1 - $t0" | bc > "$work/cold_start"
$BIN loadgen --url "http://127.0.0.1:$port/v1/classify" --data "$DATA/tipdm2020_titles/dev.jsonl" --concurrency 32 --requests 30000 --duration 15s > "$work/load_classify.json"
$BIN loadgen --url "http://127.0.0.1:$port/v1/classify" --data "$DATA/tipdm2020_titles/dev.jsonl" --concurrency 32 --rate 3000 --requests 30000 --duration 10s > "$work/load_classify_paced.json"
$BIN loadgen --url "http://127.0.0.1:$port/v1/cases" --cases --data datasets/corpus/test.jsonl --concurrency 32 --requests 5000 --duration 15s > "$work/load_cases.json"
grep VmHWM /proc/$server_pid/status | awk '{print $2}' > "$work/rss_kb"
kill $server_pid; wait $server_pid 2>/dev/null || true; server_pid=

# --- Go benchmarks --------------------------------------------------------
log "go benchmarks"
# the model benchmarks use the corpus model trained above instead of training their own
GRIDTRIAGE_TEST_MODEL=$work/m_corpus GRIDTRIAGE_ORT_LIB=$PWD/.cache/onnxruntime/libonnxruntime.so.1 go test -run '^$' -bench . -benchtime 2s ./model/ > "$work/gobench.txt"

$PY scripts/bench_report.py "$work" > "$OUT"
log "wrote $OUT"
