#!/usr/bin/env bash
# The cold-check target of issue 9 as a user would time it: `bare_parse` (discover, read,
# tree-sitter parse on 2 threads) against `typeorm-lsp check` (text output, no fix built),
# interleaved RUNS times; prints the minimum CPU (user+sys) and wall of each and their ratio.
# usage: scripts/cpu-ratio.sh DIR [RUNS] [BIN]  (build first: cargo build --release --examples)
dir=$1; runs=${2:-5}; bin=${3:-$(dirname "$0")/../target/release/typeorm-lsp}
parse=$(dirname "$0")/../target/release/examples/bare_parse
pmin=999; cmin=999; pw=999; cw=999
for i in $(seq $runs); do
  p=$( { /usr/bin/time -f "%U %S %e" $parse $dir >/dev/null; } 2>&1 | tail -1)
  c=$( { /usr/bin/time -f "%U %S %e" $bin check $dir >/dev/null; } 2>&1 | tail -1)
  pmin=$(echo "$p $pmin" | awk '{s=$1+$2; print (s<$4)?s:$4}')
  cmin=$(echo "$c $cmin" | awk '{s=$1+$2; print (s<$4)?s:$4}')
  pw=$(echo "$p $pw" | awk '{print ($3<$4)?$3:$4}')
  cw=$(echo "$c $cw" | awk '{print ($3<$4)?$3:$4}')
done
echo "$(basename $dir): parse cpu $pmin wall $pw | check cpu $cmin wall $cw | ratio cpu $(echo "$cmin $pmin" | awk '{printf "%.2f", $1/$2}') wall $(echo "$cw $pw" | awk '{printf "%.2f", $1/$2}')"
