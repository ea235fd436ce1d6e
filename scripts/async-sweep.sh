#!/usr/bin/env bash
# How learning survives asynchrony: final test error and the angle between the VF update and the true gradient
# for the actor engine's async schedule, with transmission delays and event-driven sending. Prints a Markdown table.
# Usage: scripts/async-sweep.sh [EQPROP] [EPOCHS] [TRAIN_SAMPLES]   (EQPROP defaults to the Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
EQPROP=${1:-"dotnet src/EqPropActors.Cli/bin/Release/net10.0/eqprop.dll"}
EPOCHS=${2:-5}
SAMPLES=${3:-20000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

run() { # name, extra options...
  local name=$1; shift
  $EQPROP train --dataset fashion-mnist --layers 784,500,10 --rule vf --epochs "$EPOCHS" --train-samples "$SAMPLES" \
    --engine actors "$@" --out "$OUT/$name" > "$OUT/$name.log"
  local error staleness angle
  error=$(python3 -c "import json;print(f\"{100*json.load(open('$OUT/$name/results.json'))['test_error']:.2f}\")")
  staleness=$(python3 -c "import json;print(f\"{json.load(open('$OUT/$name/results.json'))['mean_staleness']:.2f}\")")
  angle=$($EQPROP gradcheck --dataset fashion-mnist --rules vf --angles 0 --T1 40 --T2 8 --beta 0.5 --engine actors "$@" --json \
    | python3 -c "import json,sys;print(' / '.join(f\"{r['angle_deg']:.1f}°\" for r in json.load(sys.stdin)['rows']))")
  echo "| $name | $error % | $staleness | $angle |"
}

echo "| schedule | test error after $EPOCHS epochs ($SAMPLES samples) | mean staleness (steps) | angle to −∂J/∂θ, tied init, pairs 1 / 2 |"
echo "|---|---|---|---|"
run "sync" --schedule sync
for delay in 0 1 2 4; do
  run "async, delay $delay" --schedule async --delay-steps "$delay"
done
for threshold in 0.01 0.05; do
  run "async, send-threshold $threshold" --schedule async --send-threshold "$threshold"
done
