#!/usr/bin/env bash
# Runs the whole test suite, installing what the tests need first. Ends with "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }
dotnet restore EdgeAgent.sln --nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
dotnet build EdgeAgent.sln --no-restore --nologo -v q -c Release || { echo "0 passed, 1 failed"; exit 1; }
results="$(mktemp -d)"
dotnet test EdgeAgent.sln --no-build -c Release --nologo --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for trx in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s += int(c.get("notExecuted", 0))
print(f"{p} passed, {f} failed" + (f", {s} skipped" if s else ""))
PY
exit $status
