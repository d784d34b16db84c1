#!/usr/bin/env bash
# Ecosystem check (in the spirit of ruff-ecosystem): runs `typeorm-lsp check --format json`
# on every project folder under a directory of fetched codebases, writes per project and
# rule counts plus a readable findings file under target/ecosystem/ (ignored by git), and
# compares with the previous run: findings added and removed, per project and rule.
#
#   scripts/ecosystem.sh [ECO_DIR] [--bin PATH] [--baseline 'PATTERN'] [--only NAME]
#
# ECO_DIR defaults to /work/eco. The codebases are snapshots fetched for reading only; they
# are never committed. --bin defaults to target/release/typeorm-lsp (built if missing).
# --baseline compares with other JSON outputs instead of the previous run, `{}` standing
# for the project name (e.g. --baseline '/tmp/eco_{}.json').
# Findings are matched on (rule, file, message), not lines, so unrelated edits of a file do
# not show up as churn.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ECO_DIR=/work/eco
BIN="$ROOT/target/release/typeorm-lsp"
BASELINE=""
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) ECO_DIR="$1"; shift ;;
  esac
done
if [ ! -x "$BIN" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
OUT="$ROOT/target/ecosystem"
mkdir -p "$OUT"
if [ -d "$OUT/current" ] && [ -z "$ONLY" ]; then
  rm -rf "$OUT/previous"
  mv "$OUT/current" "$OUT/previous"
fi
mkdir -p "$OUT/current"
for dir in "$ECO_DIR"/*/; do
  name="$(basename "$dir")"
  if [ -n "$ONLY" ] && [ "$name" != "$ONLY" ]; then
    continue
  fi
  start=$(date +%s)
  # exit 1 means error-severity findings, which is the normal case here
  set +e
  timeout 900 "$BIN" check "$dir" --format json >"$OUT/current/$name.json" 2>"$OUT/current/$name.err"
  rc=$?
  set -e
  echo "$name: exit $rc in $(( $(date +%s) - start )) s" >&2
  if [ "$rc" -gt 1 ]; then
    echo "  (see $OUT/current/$name.err)" >&2
  fi
done
python3 - "$OUT" "$BASELINE" "$ONLY" <<'PY'
import collections, json, os, sys

out, baseline, only = sys.argv[1], sys.argv[2], sys.argv[3]
cur_dir = os.path.join(out, "current")
prev_dir = os.path.join(out, "previous")


def load(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else data.get("findings", [])


def rel(path):
    # a project reached through a symlink is reported with absolute paths
    for name in names:
        marker = f"/{name}/"
        if path.startswith("/") and marker in path:
            return path.split(marker, 1)[1]
    return path


def key(f):
    return (f.get("code", "?"), rel(f.get("path", "?")), f.get("message", ""))


def line(f):
    loc = f.get("location") or {}
    fix = f.get("fix") or {}
    tag = f" [fix: {fix.get('applicability')}]" if fix else ""
    return (f"{f.get('code')} {f.get('severity')} {rel(f.get('path', '?'))}:{loc.get('line')}:"
            f"{loc.get('column')} {f.get('message')}{tag}")


names = sorted(n[:-5] for n in os.listdir(cur_dir) if n.endswith(".json"))
rules = collections.Counter()
table = {}
report = []
for name in names:
    cur = load(os.path.join(cur_dir, name + ".json"))
    if cur is None:
        report.append(f"{name}: no JSON output (see current/{name}.err)")
        continue
    table[name] = collections.Counter(f.get("code", "?") for f in cur)
    rules.update(table[name])
    with open(os.path.join(cur_dir, name + ".findings.txt"), "w") as f:
        for finding in sorted(cur, key=lambda x: (x.get("code", ""), x.get("path", ""))):
            f.write(line(finding) + "\n")
    prev_path = (baseline.replace("{}", name) if baseline
                 else os.path.join(prev_dir, name + ".json"))
    prev = load(prev_path)
    if prev is None:
        continue
    a = collections.Counter(map(key, cur))
    b = collections.Counter(map(key, prev))
    added, removed = a - b, b - a
    if not added and not removed:
        continue
    report.append(f"## {name}: +{sum(added.values())} -{sum(removed.values())}")
    per_rule = collections.defaultdict(lambda: [0, 0])
    for k, n in added.items():
        per_rule[k[0]][0] += n
    for k, n in removed.items():
        per_rule[k[0]][1] += n
    for code in sorted(per_rule):
        plus, minus = per_rule[code]
        report.append(f"  {code}: +{plus} -{minus}")
    for sign, diff in (("+", added), ("-", removed)):
        for (code, path, msg), n in sorted(diff.items()):
            report.append(f"    {sign} {code} {path}: {msg}" + (f" (x{n})" if n > 1 else ""))

codes = sorted(rules)
summary = ["| project | total | " + " | ".join(codes) + " |",
           "|---|---|" + "---|" * len(codes)]
for name in sorted(table):
    c = table[name]
    summary.append(f"| {name} | {sum(c.values())} | " + " | ".join(str(c.get(x, 0)) for x in codes) + " |")
summary.append(f"| total | {sum(rules.values())} | " + " | ".join(str(rules[x]) for x in codes) + " |")
text = "\n".join(summary) + "\n\n" + ("\n".join(report) if report else "no change against the previous run") + "\n"
with open(os.path.join(cur_dir, "summary.md"), "w") as f:
    f.write(text)
with open(os.path.join(cur_dir, "counts.json"), "w") as f:
    json.dump({n: dict(c) for n, c in table.items()}, f, indent=1, sort_keys=True)
print(text)
print(f"findings: {cur_dir}/<project>.findings.txt, summary: {cur_dir}/summary.md")
PY
