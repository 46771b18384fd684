#!/bin/sh
# b.sh TREE CORPUS MODE: time one gtm command of checkout TREE on CORPUS, for farm-bench.
# MODE: cold (output and cache deleted first), edit (one persona gets a sentence), check,
# check-cold (the cache deleted first, as in a CI run without one).
tree=$1; corpus=$2; mode=$3
export GTM_CACHE_DIR="/tmp/gtm-bench-cache-$(basename "$tree")-$(basename "$corpus")"
export SOURCE_DATE_EPOCH=1795435200 NO_COLOR=1 PYTHONPATH="$tree"
py=${PYTHON:-python3}
cd "$corpus" || exit 2  # `python -m` puts the working folder first on sys.path: never a checkout
case $mode in
cold) rm -rf "$GTM_CACHE_DIR" "$corpus/output"; exec "$py" -m gtm build --no-pdf --quiet --project "$corpus" ;;
edit) f=$(ls "$corpus"/content/personas/*.md | head -1); echo "One more sentence." >> "$f"
      exec "$py" -m gtm build --no-pdf --quiet --project "$corpus" ;;
check) exec "$py" -m gtm check --quiet --project "$corpus" ;;
check-cold) rm -rf "$GTM_CACHE_DIR"; exec "$py" -m gtm check --quiet --project "$corpus" ;;
*) echo "usage: b.sh TREE CORPUS cold|edit|check|check-cold" >&2; exit 2 ;;
esac
