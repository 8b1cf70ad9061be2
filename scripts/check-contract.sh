#!/usr/bin/env bash
# The project's living copy of the contract (docs/spec/) must keep every line of the original
# (../shared/spec/, beside the clone): extensions are added, nothing is removed or renamed.
set -euo pipefail
cd "$(dirname "$0")/.."
original=../shared/spec
if [ ! -d "$original" ]; then
  echo "contract: no $original beside the clone, nothing to compare"
  exit 0
fi
status=0
for f in "$original"/*.md; do
  copy=docs/spec/$(basename "$f")
  if [ ! -f "$copy" ]; then
    echo "contract: $copy is missing (copy $f there)" >&2
    status=1
    continue
  fi
  missing=$(grep -vxF -f "$copy" "$f" | grep -v '^[[:space:]]*$' || true)
  if [ -n "$missing" ]; then
    echo "contract: $copy lost lines of $f:" >&2
    echo "$missing" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "contract: docs/spec/ holds every line of $original"
exit "$status"
