#!/usr/bin/env bash
# Usage: bench/run.sh            (see bench/README.md)
# Publishes the site (Release), serves it in Production next to nginx serving the very same bytes, and measures
# both with wrk, alternating servers. Then measures start-up and live reload with 1,000 content files.
# Stops everything it started, by PID, on any exit. Not part of `dotnet test`.
#
# Settings (environment): SAMPLES (3), DURATION (wrk seconds per sample, 5), CONNECTIONS (16),
# ENCODING (identity | br: what wrk asks for; nginx then serves the site's Brotli bytes), SECTION (warning-signs),
# SKIP_PUBLISH=1 (reuse the last publish in bench/out/app), FILES (1000; 0 skips that part),
# BASELINE=1 (also measure the RSS of the unchanged Razor Pages template, `dotnet new webapp`, under the same load,
# and a bare Kestrel endpoint against nginx), MEMORY_LIMIT_MB (run the site in a memory cgroup with that limit, as
# `docker run --memory` does; needs root).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
samples=${SAMPLES:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-16}
encoding=${ENCODING:-identity}
section=${SECTION:-warning-signs}
files=${FILES:-1000}
out="$repo/bench/out"
app="$out/app"
work=$(mktemp -d /tmp/relapse-bench.XXXXXX)
site_port=$((20000 + RANDOM % 10000))
nginx_port=$((site_port + 1))
memory_limit=${MEMORY_LIMIT_MB:-}
cgroup=""
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  if [ -n "$cgroup" ]; then rmdir "$cgroup" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk nginx curl dotnet; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is missing (apt-get install -y wrk nginx curl)" >&2; exit 1; }
done

now_ms() { date +%s%3N; }

# With MEMORY_LIMIT_MB, a memory cgroup (v2, else v1) that the site's processes join before they start, so every
# figure is measured under that limit, as in a container started with `docker run --memory`.
if [ -n "$memory_limit" ]; then
  [[ $memory_limit =~ ^[1-9][0-9]*$ ]] || { echo "bench: MEMORY_LIMIT_MB must be a whole number of megabytes, not '$memory_limit'" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "bench: MEMORY_LIMIT_MB needs root, to create a memory cgroup" >&2; exit 1; }
  if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory >/sys/fs/cgroup/cgroup.subtree_control
    cgroup=/sys/fs/cgroup/relapse-bench-$$
    mkdir "$cgroup" && echo $((memory_limit * 1048576)) >"$cgroup/memory.max"
  elif [ -d /sys/fs/cgroup/memory ]; then
    cgroup=/sys/fs/cgroup/memory/relapse-bench-$$
    mkdir "$cgroup" && echo $((memory_limit * 1048576)) >"$cgroup/memory.limit_in_bytes"
  else
    echo "bench: MEMORY_LIMIT_MB needs the cgroup memory controller, which this machine does not have" >&2; exit 1
  fi
fi

# enter_limit: called in a launcher subshell just before `exec dotnet`. Page-cache pages are charged to the cgroup of
# whoever read them first, so the cache is dropped first: the assemblies are then read again by the site and held to
# its limit, instead of being counted in its RSS while charged to earlier readers.
enter_limit() {
  [ -n "$cgroup" ] || return 0
  sync
  echo 1 >/proc/sys/vm/drop_caches
  echo "$BASHPID" >"$cgroup/cgroup.procs"
}
# open_site_log: sets site_out, where the next server's output goes on its way to $work/site.log. Under a limit it
# goes through a pipe to a `cat` outside the cgroup, as a container's stdout goes to its runtime: a log file written
# from inside would put its page cache under the site's limit, which a container's log does not.
open_site_log() {
  site_out="$work/site.log"
  [ -n "$cgroup" ] || return 0
  rm -f "$work/site.fifo"
  mkfifo "$work/site.fifo"
  cat "$work/site.fifo" >"$work/site.log" &
  pids+=("$!")
  site_out="$work/site.fifo"
}

# Major page faults so far (pages read back from disk): under a limit, what shows whether the site's working set fits.
major_faults() { awk '{ print $12 }' "/proc/$1/stat"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# "anon 40, file 81, shmem 23": heap and native memory, mapped assemblies, JIT'd code (double-mapped).
rss_parts() { awk '/^Rss(Anon|File|Shmem):/ { sub(/^Rss/, "", $1); sub(/:$/, "", $1); printf "%s%s %.0f", sep, tolower($1), $2 / 1024; sep = ", " }' "/proc/$1/status"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@" || true; }
# CPU time (user + system, in clock ticks) used so far by the given processes: the site, or nginx's master and workers.
cpu_ticks() { for pid in "$@"; do awk '{ print $14 + $15 }' "/proc/$pid/stat"; done | awk '{ t += $1 } END { print t }'; }
clock_ticks=$(getconf CLK_TCK)

# wait_for_200 URL PID: milliseconds from now until URL answers 200; fails if PID dies first.
wait_for_200() {
  local url=$1 pid=$2 start
  start=$(now_ms)
  until [ "$(status_of "$url")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: the site exited; its log:" >&2; tail -n 20 "$work/site.log" >&2; exit 1; }
    [ $(($(now_ms) - start)) -lt 30000 ] || { echo "bench: no 200 from $url in 30 s" >&2; exit 1; }
    sleep 0.01
  done
}

# launch DIR DLL URL [NAME=VALUE...]: starts `dotnet DLL` from DIR in Production on the site's port, with those
# settings and under the memory limit if there is one, sets site_pid, and waits for URL to answer 200.
launch() {
  local dir=$1 dll=$2 url=$3
  shift 3
  open_site_log
  (
    cd "$dir"
    export ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$site_port"
    for setting in "$@"; do export "$setting"; done
    enter_limit
    exec dotnet "$dll"
  ) >"$site_out" 2>&1 &
  site_pid=$!
  pids+=("$site_pid")
  wait_for_200 "$url" "$site_pid"
}

# start_site CONTENT_ROOT: starts the published site, sets site_pid and startup_ms (process start to first 200).
start_site() {
  local content=$1 start
  mkdir -p "$work/data"
  start=$(now_ms)
  launch "$app" RelapseSite.dll "http://127.0.0.1:$site_port/guide/$section" \
    Content__Root="$content" Site__BaseUrl="http://127.0.0.1:$site_port" \
    DataProtection__KeysPath="$work/data/keys" Mail__PickupDirectory="$work/data/mail" Outbox__Path="$work/data/outbox.db" \
    Content__LastGoodPath="$work/data/content-last-good"
  startup_ms=$(($(now_ms) - start))
}

stop_site() {
  kill "$site_pid" 2>/dev/null || true
  wait "$site_pid" 2>/dev/null || true
}

# load URL: runs wrk once, prints "req/s p99_ms requests".
load() {
  local headers=()
  [ "$encoding" = identity ] || headers=(-H "Accept-Encoding: $encoding")
  wrk -t1 -c"$connections" -d"${duration}s" --latency "${headers[@]}" "$1" | awk '
    /^Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v)
               p99 = unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v }
    / requests in / { requests = $1 }
    /Non-2xx/ { bad = 1 }
    END { if (bad) { print "bench: non-2xx responses under load" > "/dev/stderr"; exit 1 } printf "%.0f %.2f %d\n", rps, p99, requests }'
}

echo "== Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$memory_limit" ] || echo "== The site runs in a memory cgroup limited to ${memory_limit} MB ($cgroup)"

if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -f "$app/RelapseSite.dll" ]; then
  echo "== Publishing Release (ReadyToRun for this machine's runtime) to bench/out/app"
  rm -rf "$app"
  dotnet publish "$repo/src/RelapseSite/RelapseSite.csproj" -c Release --use-current-runtime -o "$app" --nologo -v quiet >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
fi

echo "== Site and nginx, ${samples} alternating samples of wrk -t1 -c${connections} -d${duration}s, Accept-Encoding: ${encoding}"
cp -r "$repo/content" "$work/content"
start_site "$work/content"
echo "first 200 after process start: ${startup_ms} ms"

# nginx serves exactly what the site returned, saved to files at the same paths.
www="$work/www"
mkdir -p "$www/guide"
curl_encoding=()
[ "$encoding" = identity ] || curl_encoding=(-H "Accept-Encoding: $encoding")
curl -sf "${curl_encoding[@]}" -o "$www/index.html" "http://127.0.0.1:$site_port/"
curl -sf "${curl_encoding[@]}" -o "$www/guide/$section" "http://127.0.0.1:$site_port/guide/$section"
content_encoding=""
[ "$encoding" = identity ] || content_encoding="add_header Content-Encoding $encoding;"
# The site's security headers (CSP, Permissions-Policy, ...) go on every response; a production nginx would send them
# too, so this one does, and both put the same bytes on the wire bar a few validator and date headers.
curl -s -D "$work/section.h" -o /dev/null "http://127.0.0.1:$site_port/guide/$section"
same_headers=$(awk 'NR > 1 {
    sub(/\r$/, ""); colon = index($0, ": "); if (colon == 0) next
    name = substr($0, 1, colon - 1); value = substr($0, colon + 2)
    if (tolower(name) ~ /^(date|server|content-length|content-type|content-encoding|transfer-encoding|connection|keep-alive|etag|last-modified|accept-ranges|vary|cache-control)$/) next
    if (value ~ /["$\\]/) { print "bench: not copying header " name " (quote, dollar or backslash)" > "/dev/stderr"; next }
    printf "    add_header %s \"%s\" always;\n", name, value }' "$work/section.h")
cat >"$work/nginx.conf" <<EOF
user root;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  # As Debian ships it: every request goes to the access log, as every request to the site goes to its log.
  access_log $work/nginx-access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type text/html;
  charset utf-8;
  server {
    # reuseport: the kernel spreads wrk's 16 connections over both workers. Without it, how they happened to fall
    # (all on one worker, or split) moved nginx's req/s for / between 70,000 and 92,000 from one start to the next.
    listen 127.0.0.1:$nginx_port reuseport;
    root $www;
$same_headers
    location / { $content_encoding try_files \$uri \$uri/index.html =404; }
  }
}
EOF
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log"

for path in / "/guide/$section"; do
  site_bytes=$(curl -s "${curl_encoding[@]}" -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$site_port$path")
  nginx_bytes=$(curl -s "${curl_encoding[@]}" -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$nginx_port$path")
  [ "$site_bytes" = "$nginx_bytes" ] || { echo "bench: $path differs: site '$site_bytes', nginx '$nginx_bytes' (status bytes)" >&2; exit 1; }
  echo "$path: 200, ${site_bytes#* } bytes from both"
done
echo "nginx also sends the site's $(printf '%s\n' "$same_headers" | grep -c add_header) security headers"

# Warm both servers (JIT tiers, connection pools) before the samples count.
for path in / "/guide/$section"; do
  duration=2 load "http://127.0.0.1:$site_port$path" >/dev/null
  duration=2 load "http://127.0.0.1:$nginx_port$path" >/dev/null
done

# Each sample also records the server's CPU time per request (user + system, all its threads or workers, in
# microseconds): it repeats within about 2% where req/s moves by 10%, so it shows a change that req/s hides.
nginx_pids=("$(cat "$work/nginx.pid")")
mapfile -t -O 1 nginx_pids < <(pgrep -P "${nginx_pids[0]}")
declare -A results
faults_before=$(major_faults "$site_pid")
for ((s = 1; s <= samples; s++)); do
  for path in "/guide/$section" /; do
    for server in nginx site; do
      if [ "$server" = site ]; then port=$site_port server_pids=("$site_pid"); else port=$nginx_port server_pids=("${nginx_pids[@]}"); fi
      before=$(cpu_ticks "${server_pids[@]}")
      sample=$(load "http://127.0.0.1:$port$path")
      after=$(cpu_ticks "${server_pids[@]}")
      results[$server$path]+="$(echo "$sample $before $after $clock_ticks" | awk '{ printf "%s %s %.1f", $1, $2, ($5 - $4) * 1e6 / $6 / $3 }')"$'\n'
    done
  done
done
rss_after="$(rss_mb "$site_pid") MB ($(rss_parts "$site_pid") MB); major page faults during the samples: $(($(major_faults "$site_pid") - faults_before))"

printf '\n%-22s %11s %11s %6s %9s %9s %11s %11s\n' page "site req/s" "nginx req/s" ratio "site p99" "nginx p99" "site CPU/req" "nginx CPU/req"
# column SERVER N: the median of field N (1 req/s, 2 p99, 3 CPU per request) over that server's samples for $path.
column() { printf '%s' "${results[$1$path]}" | awk -v c="$2" 'NF { print $c }' | median; }
for path in "/guide/$section" /; do
  site_rps=$(column site 1) nginx_rps=$(column nginx 1)
  printf '%-22s %11.0f %11.0f %6.2f %7.2fms %7.2fms %9.1fus %9.1fus\n' "$path" "$site_rps" "$nginx_rps" \
    "$(echo "$site_rps $nginx_rps" | awk '{ print $1 / $2 }')" "$(column site 2)" "$(column nginx 2)" "$(column site 3)" "$(column nginx 3)"
  echo "  samples site:  $(printf '%s' "${results[site$path]}" | awk 'NF { printf "%s/%sms/%sus ", $1, $2, $3 }')"
  echo "  samples nginx: $(printf '%s' "${results[nginx$path]}" | awk 'NF { printf "%s/%sms/%sus ", $1, $2, $3 }')"
done
echo "site RSS after load: ${rss_after}"

# What a phone downloads for the home page: the HTML and the stylesheet it links, each as Brotli if the site offers it.
home_br=$(curl -s -H 'Accept-Encoding: br' -D "$work/home.h" -o "$work/home.br" -w '%{size_download}' "http://127.0.0.1:$site_port/")
css_path=$(curl -s "http://127.0.0.1:$site_port/" | grep -o '<link rel="stylesheet" href="[^"]*"' | sed 's/.*href="//; s/"$//' | sed 's/&amp;/\&/g')
css_br=$(curl -s -H 'Accept-Encoding: br' -D "$work/css.h" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$site_port$css_path")
home_enc=$(awk -F': ' 'tolower($1) == "content-encoding" { print $2 }' "$work/home.h" | tr -d '\r')
css_enc=$(awk -F': ' 'tolower($1) == "content-encoding" { print $2 }' "$work/css.h" | tr -d '\r')
css_cache=$(awk -F': ' 'tolower($1) == "cache-control" { print $2 }' "$work/css.h" | tr -d '\r')
echo "home page for a phone (Accept-Encoding: br): HTML ${home_br} B (${home_enc:-identity}) + CSS ${css_br} B (${css_enc:-identity}) = $((home_br + css_br)) B"
echo "  stylesheet: $css_path, Cache-Control: ${css_cache:-none}"
stop_site
kill "$(cat "$work/nginx.pid")"
rm -f "$work/nginx.pid"

if [ "$files" -gt 0 ]; then
  echo
  echo "== ${files} content files"
  "$repo/bench/generate-content.sh" "$work/many" "$files"
  start_site "$work/many"
  echo "first 200 of /guide/$section after process start: ${startup_ms} ms"
  home_start=$(now_ms)
  curl -sf -o "$work/many-home.html" "http://127.0.0.1:$site_port/"
  echo "then / (all $((files - 1)) guide sections on one page, $(stat -c %s "$work/many-home.html") B): $(($(now_ms) - home_start)) ms"

  # Edit one generated file, from the middle, and time until the site serves the change.
  topics=("$work/many/guide"/topic-*.md)
  [ -e "${topics[0]}" ] || { echo "bench: FILES=$files is no more than the real content, so there is no generated file to edit" >&2; exit 1; }
  edited=${topics[$((${#topics[@]} / 2))]}
  marker="bench-edit-$RANDOM$RANDOM"
  start=$(now_ms)
  printf '\nEdited by the benchmark: %s.\n' "$marker" >>"$edited"
  until curl -s "http://127.0.0.1:$site_port/guide/$(basename "$edited" .md)" | grep -q "$marker"; do
    [ $(($(now_ms) - start)) -lt 10000 ] || { echo "bench: the edit was not live within 10 s" >&2; exit 1; }
    sleep 0.01
  done
  echo "one-file edit live after: $(($(now_ms) - start)) ms"
  sleep 0.3
  echo "reload log: $(grep '"Content version' "$work/site.log" | tail -n 1)"
  echo "RSS: $(rss_mb "$site_pid") MB ($(rss_parts "$site_pid") MB)"
  stop_site
fi

[ "${BASELINE:-0}" = 1 ] || exit 0
# The floor the framework sets: the stock Razor Pages template, published and loaded the same way as the site.
echo
echo "== Baseline: the Razor Pages template (dotnet new webapp), same publish, same load"
dotnet new webapp -o "$work/template" --no-https >"$work/template.log" 2>&1 || { cat "$work/template.log" >&2; exit 1; }
dotnet publish "$work/template" -c Release --use-current-runtime -p:PublishReadyToRun=true -o "$work/template/out" --nologo -v quiet >>"$work/template.log" 2>&1 \
  || { cat "$work/template.log" >&2; exit 1; }
launch "$work/template/out" template.dll "http://127.0.0.1:$site_port/"
for path in / /Privacy; do
  duration=2 load "http://127.0.0.1:$site_port$path" >/dev/null
  for ((s = 1; s <= samples; s++)); do load "http://127.0.0.1:$site_port$path" >/dev/null; done
done
echo "template RSS after load: $(rss_mb "$site_pid") MB ($(rss_parts "$site_pid") MB)"
stop_site

# The ceiling the framework sets for req/s: a bare Kestrel endpoint (`dotnet new web`, one terminal delegate, no
# routing, no request log) writing the saved bytes from memory with the same headers, against nginx, alternating.
echo
echo "== Baseline: a bare Kestrel endpoint serving the same bytes from memory, against nginx"
dotnet new web -o "$work/bare" >"$work/bare.log" 2>&1 || { cat "$work/bare.log" >&2; exit 1; }
awk 'NR > 1 { sub(/\r$/, ""); colon = index($0, ": "); if (colon == 0) next; name = substr($0, 1, colon - 1)
    if (tolower(name) ~ /^(date|server|content-length|transfer-encoding|connection|keep-alive|etag|vary|content-encoding)$/) next
    print name "\t" substr($0, colon + 2) }' "$work/section.h" >"$work/bare-headers.tsv"
cat >"$work/bare/Program.cs" <<'CS'
var www = Environment.GetEnvironmentVariable("BARE_WWW")!;
var pages = new Dictionary<string, byte[]>
{
    ["/"] = File.ReadAllBytes(Path.Combine(www, "index.html")),
    ["/guide/" + Environment.GetEnvironmentVariable("BARE_SECTION")] = File.ReadAllBytes(Path.Combine(www, "guide", Environment.GetEnvironmentVariable("BARE_SECTION")!)),
};
var headers = File.ReadAllLines(Environment.GetEnvironmentVariable("BARE_HEADERS")!).Select(l => l.Split('\t', 2)).ToArray();
var encoding = Environment.GetEnvironmentVariable("BARE_ENCODING");
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();
app.Run(context =>
{
    if (!pages.TryGetValue(context.Request.Path.Value!, out var body))
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    }
    foreach (var h in headers)
    {
        context.Response.Headers[h[0]] = h[1];
    }
    if (!string.IsNullOrEmpty(encoding))
    {
        context.Response.Headers.ContentEncoding = encoding;
    }
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
app.Run();
CS
dotnet publish "$work/bare" -c Release --use-current-runtime -p:PublishReadyToRun=true -o "$work/bare/out" --nologo -v quiet >>"$work/bare.log" 2>&1 \
  || { cat "$work/bare.log" >&2; exit 1; }
bare_encoding=""
[ "$encoding" = identity ] || bare_encoding=$encoding
launch "$work/bare/out" bare.dll "http://127.0.0.1:$site_port/" \
  BARE_WWW="$www" BARE_SECTION="$section" BARE_HEADERS="$work/bare-headers.tsv" BARE_ENCODING="$bare_encoding"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log"
declare -A bare
for path in "/guide/$section" /; do
  for port in "$site_port" "$nginx_port"; do duration=2 load "http://127.0.0.1:$port$path" >/dev/null; done
  for ((s = 1; s <= samples; s++)); do
    bare[nginx$path]+="$(load "http://127.0.0.1:$nginx_port$path" | cut -d' ' -f1)"$'\n'
    bare[kestrel$path]+="$(load "http://127.0.0.1:$site_port$path" | cut -d' ' -f1)"$'\n'
  done
  kestrel_rps=$(printf '%s' "${bare[kestrel$path]}" | awk 'NF' | median)
  nginx_rps=$(printf '%s' "${bare[nginx$path]}" | awk 'NF' | median)
  printf '%-22s bare Kestrel %6.0f req/s, nginx %6.0f req/s, ratio %.2f\n' "$path" "$kestrel_rps" "$nginx_rps" \
    "$(echo "$kestrel_rps $nginx_rps" | awk '{ print $1 / $2 }')"
done
stop_site
kill "$(cat "$work/nginx.pid")"
rm -f "$work/nginx.pid"
