#!/usr/bin/env bash
# Builds EdgeAgent and plays one conveyor lockout job end to end. Output under ./demo-output (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh runtime
dotnet build src/EdgeAgent -c Release --nologo -v q
out="${1:-demo-output}"
rm -rf "$out"
dotnet src/EdgeAgent/bin/Release/net10.0/edgeagent.dll demo --output "$out"
