#!/usr/bin/env bash
# Usage: bench/generate-content.sh TARGET [COUNT]
# Writes a content folder of COUNT Markdown files (default 1000) to TARGET: the real content/ (guide and pages),
# plus generated guide sections that reuse the real sections' text under new titles, so every file is realistic
# Markdown (headings, lists, links to real pages) and every link still resolves.
set -euo pipefail

target=${1:?usage: generate-content.sh TARGET [COUNT]}
count=${2:-1000}
repo=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$target"
cp -r "$repo/content/guide" "$repo/content/pages" "$target/"

mapfile -t sources < <(find "$repo/content/guide" -name '*.md' | sort)
existing=$(find "$target/guide" "$target/pages" -name '*.md' | wc -l)

# Read each source once: its title, and its body (everything after the front matter's closing '---').
titles=() bodies=()
for source in "${sources[@]}"; do
  titles+=("$(sed -n 's/^title: //p' "$source" | head -n 1)")
  bodies+=("$(awk 'fence >= 2 { print } /^---$/ { fence++ }' "$source")")
done

for ((i = 1; i <= count - existing; i++)); do
  title=${titles[$((i % ${#sources[@]}))]}
  body=${bodies[$((i % ${#sources[@]}))]}
  printf -- '---\ntitle: "Topic %04d: %s"\ndescription: Generated section %d for the 1,000-file benchmark.\norder: %d\nlast_reviewed: 2026-11-26\n---\n%s\n' \
    "$i" "$title" "$i" "$((1000 + i))" "$body" > "$target/guide/topic-$(printf %04d "$i").md"
done
