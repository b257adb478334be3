#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile, the default form factor) against a freshly published site, on Debian's Chromium.
# Prints the four category scores per page and exits non-zero if any is below 95 (the target is 100).
#
#   bash tools/lighthouse.sh                 # / and /contact
#   bash tools/lighthouse.sh /guide/overdose-risk
#
# Installs lighthouse into tools/lighthouse/node_modules (git-ignored), publishes to a temp folder, serves on localhost:$PORT
# (default 5399) with its data in that temp folder, and stops the site by its PID when done. Reports stay in
# bench/out/lighthouse/ (git-ignored) for a closer look.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${PORT:-5399}
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/ /contact)
out="$root/bench/out/lighthouse"
work=$(mktemp -d)
pid=

cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "Installing lighthouse@12.2.3 into tools/lighthouse"
npm install --prefix tools/lighthouse --no-save --no-package-lock --no-audit --no-fund --loglevel=error lighthouse@12.2.3 >/dev/null

echo "Publishing the site (Release)"
dotnet publish src/RelapseSite -c Release -o "$work/app" --nologo -v quiet >/dev/null

# exec: the background job's PID is the site's own, so it can be stopped by that PID.
(
  cd "$work/app"
  export ASPNETCORE_ENVIRONMENT=Production Content__Root="$root/content" Site__BaseUrl="http://localhost:$port" \
    DataProtection__KeysPath="$work/data/keys" Outbox__Path="$work/data/outbox.db" Mail__PickupDirectory="$work/data/mail" \
    Content__LastGoodPath="$work/data/content-last-good" \
    Serilog__MinimumLevel__Default=Warning
  exec dotnet RelapseSite.dll --urls "http://localhost:$port"
) >"$work/site.log" 2>&1 &
pid=$!

for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://localhost:$port/" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/site.log" >&2; echo "the site did not start" >&2; exit 1; }
  sleep 0.5
done

mkdir -p "$out"
status=0
printf '%-28s %11s %13s %14s %5s\n' page performance accessibility best-practices seo
for path in "${paths[@]}"; do
  report="$out/$(echo "${path#/}" | tr '/' '_' | sed 's/^$/home/').json"
  CHROME_PATH=/usr/bin/chromium tools/lighthouse/node_modules/.bin/lighthouse "http://localhost:$port$path" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --output=json --output-path="$report" --quiet
  node -e '
    const r = require(process.argv[1]);
    const s = ["performance", "accessibility", "best-practices", "seo"].map(c => Math.round(r.categories[c].score * 100));
    console.log(process.argv[2].padEnd(28), ...[11, 13, 14, 5].map((w, i) => String(s[i]).padStart(w)));
    for (const a of Object.values(r.audits))
      if (a.score !== null && a.score < 1 && !["informative", "notApplicable", "manual"].includes(a.scoreDisplayMode))
        console.log("    " + a.id + ": " + a.title);
    process.exit(s.some(x => x < 95) ? 1 : 0);
  ' "$report" "$path" || status=1
done
exit $status
