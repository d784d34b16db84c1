#!/usr/bin/env bash
# Builds the seed corpora from the fixtures (not committed): for `analysis`, each fixture
# file alone and each folder's files in groups of up to four (NUL-separated, as the target
# splits them); for `framing`, LSP messages framed as a client sends them, plus broken ones.
set -euo pipefail
export LC_ALL=C # ${#body} must count bytes (Content-Length)
cd "$(dirname "$0")/.."
fixtures=../fixtures
rm -rf corpus/analysis corpus/framing
mkdir -p corpus/analysis corpus/framing

n=0
while IFS= read -r -d '' f; do
  n=$((n + 1)); cp "$f" "corpus/analysis/file-$n"
done < <(find "$fixtures" -name '*.ts' -print0 | sort -z)
while IFS= read -r -d '' dir; do
  mapfile -d '' files < <(find "$dir" -maxdepth 1 -name '*.ts' -print0 | sort -z)
  for ((i = 0; i < ${#files[@]}; i += 4)); do
    n=$((n + 1)); out="corpus/analysis/group-$n"; : > "$out"
    for ((j = i; j < i + 4 && j < ${#files[@]}; j++)); do
      [ "$j" -gt "$i" ] && printf '\0' >> "$out"
      cat "${files[$j]}" >> "$out"
    done
  done
done < <(find "$fixtures" -type d -print0 | sort -z)

frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
k=0
emit() { k=$((k + 1)); printf '%s' "$1" > "corpus/framing/msg-$k"; }
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
open='{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.ts","languageId":"typescript","version":1,"text":"@Entity() class A {}"}}}'
emit "$(frame "$init")$(frame '{"jsonrpc":"2.0","method":"initialized","params":{}}')"
emit "$(frame "$open")"
emit "$(frame '{"jsonrpc":"2.0","id":2,"result":null}')$(frame '{oops')"
emit "Content-Length: abc"$'\r\n\r\n'"{}$(frame '[1,2]')"
emit "Content-Type: application/vscode-jsonrpc; charset=utf-8"$'\r\n'"$(frame '{"jsonrpc":"2.0","id":"x","method":"shutdown"}')"
emit "garbage"$'\n\n'"$(frame '{"jsonrpc":"2.0","method":"exit"}')"
for f in "$fixtures"/shop/src/*/*.ts; do
  body=$(python3 -c 'import json,sys; print(json.dumps({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.ts","languageId":"typescript","version":1,"text":open(sys.argv[1]).read()}}}), end="")' "$f")
  emit "$(frame "$body")"
done
echo "seeded $n analysis inputs and $k framing inputs under fuzz/corpus/"
