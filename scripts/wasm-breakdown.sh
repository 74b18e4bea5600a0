#!/usr/bin/env bash
# What the portal's wasm main module is made of (docs/benchmarks.md): reruns
# the wasm split of the last release build with wasm-split-cli's trace (the
# library cargo-leptos splits with), and sums the main module's function
# bodies (before wasm-opt) by crate and by generic function.
#   make release && scripts/wasm-breakdown.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-25}
input=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
[ -f "$input" ] || { echo "no release wasm: run make release first" >&2; exit 1; }
tool=target/tools/bin/wasm-split-cli
[ -x "$tool" ] || cargo install wasm_split_cli_support --version 0.2.3 --features build-binary \
  --bin wasm-split-cli --debug --root target/tools >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
RUST_LOG=trace "$tool" -v --target web --out-name trellis "$input" "$out" 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' > "$out/trace.log"
python3 - "$out/trace.log" "$rows" <<'EOF'
import collections, re, sys

def demangle(name):
    match = re.match(r'_ZN(.*)E$', name)
    if not match:
        return name
    body, parts, i = match.group(1), [], 0
    while i < len(body) and body[i].isdigit():
        j = i
        while body[j].isdigit():
            j += 1
        n = int(body[i:j])
        parts.append(body[j:j + n])
        i = j + n
    if parts and re.match(r'h[0-9a-f]{16}$', parts[-1]):
        parts = parts[:-1]
    text = '::'.join(parts)
    for code, char in [('$LT$', '<'), ('$GT$', '>'), ('$u20$', ' '), ('$RF$', '&'), ('$C$', ','),
                       ('$u7b$', '{'), ('$u7d$', '}'), ('..', '::'), ('$BP$', '*'), ('$u27$', "'"),
                       ('$u5b$', '['), ('$u5d$', ']'), ('$u3b$', ';'), ('$LP$', '('), ('$RP$', ')')]:
        text = text.replace(code, char)
    return text

lines = open(sys.argv[1]).read().split('\n')
rows = int(sys.argv[2])
start = next(i for i, line in enumerate(lines) if line.endswith('SPLIT: ============== Main'))
by_crate, by_function, count = collections.Counter(), collections.Counter(), collections.Counter()
for line in lines[start + 1:]:
    if 'total size' in line:
        print(line.split('SPLIT: ')[1])
        break
    found = re.search(r'func\[\d+\] <Some\("([^"]*)"\)> size=(?:Some\()?(\d+)', line)
    if not found:
        continue
    name, size = demangle(found.group(1)), int(found.group(2))
    function = re.sub(r'\{\{closure\}\}', '{c}', name)
    crate = re.search(r'([a-z_][a-z0-9_]*)::', name)
    by_crate[crate.group(1) if crate else name[:40]] += size
    by_function[function] += size
    count[function] += 1
print('\nbytes by crate:')
for crate, size in by_crate.most_common(rows):
    print(f'{size:9,} {crate}')
print('\nbytes by function (instances):')
for function, size in by_function.most_common(rows):
    print(f'{size:9,} ({count[function]:3}) {function[:140]}')
EOF
