#!/bin/sh
# Independent check of SampleLogs/truth/*.json against the sample files.
#
# The counts here come straight from the log bytes: awk over the nginx files,
# a few lines of python3 `json` over the JSON lines. Nothing is imported from
# Scripts/generate-logs, so a bug in its bookkeeping cannot hide itself.
#
#   sh SampleLogs/truth/verify.sh                        # every sample; exit 0 when all pass
#   sh SampleLogs/truth/verify.sh FORMAT LOG TRUTH.json  # any generate-logs output
#                                     (FORMAT: nginx-api, combined, common or jsonl)
set -u
if [ $# -eq 3 ]; then
    one_format=$1
    one_log=$(realpath "$2") && one_truth=$(realpath "$3") || exit 2
elif [ $# -ne 0 ]; then
    echo "usage: verify.sh [FORMAT LOG TRUTH.json]" >&2
    exit 2
fi
cd "$(dirname "$0")/.." || exit 2
LC_ALL=C
export LC_ALL
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

same() { # label expected-file actual-file
    if cmp -s "$2" "$3"; then
        printf 'ok    %s\n' "$1"
    else
        printf 'FAIL  %s\n' "$1"
        diff "$2" "$3" | head -10
        failed=1
    fi
}

value() { # label expected actual
    if [ "$2" = "$3" ]; then
        printf 'ok    %s (%s)\n' "$1" "$3"
    else
        printf 'FAIL  %s: truth %s, file %s\n' "$1" "$2" "$3"
        failed=1
    fi
}

# truth FILE PYTHON-EXPRESSION: print one value (or lines) from a truth file
truth() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = eval(sys.argv[2])
print("\n".join(r) if isinstance(r, list) else r)' "$1" "$2"
}

# CLF timestamp "17/Nov/2026:09:15:02 +0100" -> UTC ISO, with GNU date
utc() {
    date -u -d "$(echo "$1" | sed 's|/| |g; s|:| |')" +%Y-%m-%dT%H:%M:%SZ
}

check_clf() { # truth-file format file...
    t=$1 fmt=$2
    shift 2
    name=$(basename "$t")
    gzip -dcf "$@" > "$tmp/lines"
    value "$name lines" "$(truth "$t" 'd["total_lines"]')" "$(wc -l < "$tmp/lines" | tr -d ' ')"
    truth "$t" '["%s %d" % (s, n) for s, n in d["by_status"].items()]' | sort > "$tmp/want"
    awk '{ print $9 }' "$tmp/lines" | sort | uniq -c | awk '{ print $2, $1 }' | sort > "$tmp/got"
    same "$name by_status (awk \$9)" "$tmp/want" "$tmp/got"
    truth "$t" '["%s %d" % (m, n) for m, n in d["by_method"].items()]' | sort > "$tmp/want"
    awk '{ print substr($6, 2) }' "$tmp/lines" | sort | uniq -c | awk '{ print $2, $1 }' | sort > "$tmp/got"
    same "$name by_method" "$tmp/want" "$tmp/got"
    value "$name errors" "$(truth "$t" 'd["errors"]')" "$(awk '$9 >= 400' "$tmp/lines" | wc -l | tr -d ' ')"
    value "$name server_errors" "$(truth "$t" 'd["server_errors"]')" "$(awk '$9 >= 500' "$tmp/lines" | wc -l | tr -d ' ')"
    value "$name first_timestamp" "$(truth "$t" 'd["first_timestamp"]')" \
        "$(utc "$(head -n 1 "$tmp/lines" | awk '{ print substr($4, 2), substr($5, 1, 5) }')")"
    value "$name last_timestamp" "$(truth "$t" 'd["last_timestamp"]')" \
        "$(utc "$(tail -n 1 "$tmp/lines" | awk '{ print substr($4, 2), substr($5, 1, 5) }')")"
    if [ "$fmt" = nginx-api ]; then
        # split on quotes: $3 = " status bytes ", $8 code, $10 idempotency key, $12 retry-after
        truth "$t" '["%s %d %d" % (c["code"], c["status"], c["count"]) for c in d["by_code_status"]]' \
            | sort > "$tmp/want"
        awk -F'"' '$8 != "-" { split($3, a, " "); print $8, a[1] }' "$tmp/lines" \
            | sort | uniq -c | awk '{ print $2, $3, $1 }' | sort > "$tmp/got"
        same "$name by_code_status (awk -F'\"' \$8)" "$tmp/want" "$tmp/got"
        value "$name errors_without_code" "$(truth "$t" 'd["errors_without_code"]')" \
            "$(awk -F'"' '$8 == "-" { split($3, a, " "); if (a[1] >= 400) n++ } END { print n + 0 }' "$tmp/lines")"
        value "$name with_idempotency_key" "$(truth "$t" 'd["with_idempotency_key"]')" \
            "$(awk -F'"' '$10 != "-"' "$tmp/lines" | wc -l | tr -d ' ')"
        value "$name with_retry_after" "$(truth "$t" 'd["with_retry_after"]')" \
            "$(awk -F'"' '$12 != "-"' "$tmp/lines" | wc -l | tr -d ' ')"
    fi
}

check_jsonl() { # truth-file file
    python3 - "$1" "$2" <<'EOF'
import datetime, gzip, json, sys
from collections import Counter
truth = json.load(open(sys.argv[1]))
path = sys.argv[2]
raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
lines = raw.split(b"\n")
assert lines[-1] == b""
lines = lines[:-1]
status, codes, methods = Counter(), Counter(), Counter()
bad, idem, ra, times = [], 0, 0, []
for n, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
        s = o["response"]["status"]
        assert isinstance(s, int)
    except Exception:
        bad.append(n)
        continue
    status[str(s)] += 1
    methods[o["request"]["method"]] += 1
    code = (o.get("error") or {}).get("code")
    if code is not None:
        codes[(code, s)] += 1
    idem += o["request"]["headers"].get("idempotency_key") is not None
    ra += o["response"]["retry_after"] is not None
    t = datetime.datetime.fromisoformat(o["time"].replace("Z", "+00:00"))
    times.append(t.astimezone(datetime.timezone.utc))
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
got = {
    "total_lines": len(lines),
    "malformed_lines": len(bad),
    "malformed_line_numbers": bad,
    "by_status": dict(status),
    "by_method": dict(methods),
    "by_code_status": {"%s %d" % k: n for k, n in codes.items()},
    "errors": sum(n for s, n in status.items() if int(s) >= 400),
    "errors_without_code": sum(n for s, n in status.items() if int(s) >= 400) - sum(codes.values()),
    "with_idempotency_key": idem,
    "with_retry_after": ra,
    "first_timestamp": iso(min(times)),
    "last_timestamp": iso(max(times)),
}
want = dict((k, truth[k]) for k in got)
want["by_code_status"] = {"%s %d" % (c["code"], c["status"]): c["count"] for c in truth["by_code_status"]}
name = path.split("/")[-1]
failed = 0
for k in got:
    if got[k] == want[k]:
        print("ok    %s %s" % (name, k))
    else:
        if isinstance(got[k], dict):  # show only the entries that differ
            diff = sorted(set(got[k]) | set(want[k]))
            shown = ["%s: truth %s, file %s" % (x, want[k].get(x), got[k].get(x))
                     for x in diff if want[k].get(x) != got[k].get(x)]
            print("FAIL  %s %s: %s" % (name, k, "; ".join(shown)))
        else:
            print("FAIL  %s %s: truth %s, file %s" % (name, k, want[k], got[k]))
        failed = 1
sys.exit(failed)
EOF
    [ $? -eq 0 ] || failed=1
}

if [ $# -eq 3 ]; then
    case $one_format in
        jsonl) check_jsonl "$one_truth" "$one_log" ;;
        nginx-api|combined|common) check_clf "$one_truth" "$one_format" "$one_log" ;;
        *) echo "verify.sh: unknown format $one_format" >&2; exit 2 ;;
    esac
    exit "$failed"
fi

check_clf truth/nginx-access.log.2.gz.json nginx-api nginx/access.log.2.gz
check_clf truth/nginx-access.log.1.json nginx-api nginx/access.log.1
check_clf truth/nginx-access.log.json nginx-api nginx/access.log
check_clf truth/nginx-access-all.json nginx-api nginx/access.log.2.gz nginx/access.log.1 nginx/access.log
check_clf truth/nginx-legacy-combined.log.gz.json combined nginx/legacy-combined.log.gz
check_jsonl truth/api-app.jsonl.json api/app.jsonl
check_jsonl truth/api-app.jsonl.gz.json api/app.jsonl.gz

# logrotate split: each file ends before the next one starts
prev=""
for f in nginx/access.log.2.gz nginx/access.log.1 nginx/access.log; do
    first=$(utc "$(gzip -dcf "$f" | head -n 1 | awk '{ print substr($4, 2), substr($5, 1, 5) }')")
    last=$(utc "$(gzip -dcf "$f" | tail -n 1 | awk '{ print substr($4, 2), substr($5, 1, 5) }')")
    if [ -n "$prev" ] && [ ! "$prev" \< "$first" ]; then
        printf 'FAIL  %s starts (%s) before the previous file ends (%s)\n' "$f" "$first" "$prev"
        failed=1
    fi
    prev=$last
done
[ "$failed" -eq 0 ] && printf 'ok    rotated nginx files do not overlap\n'

# legacy-combined.log.gz is two concatenated gzip members
members=$(python3 -c 'import sys, zlib
data, n = open(sys.argv[1], "rb").read(), 0
while data:
    d = zlib.decompressobj(31); d.decompress(data); data = d.unused_data; n += 1
print(n)' nginx/legacy-combined.log.gz)
value "legacy-combined.log.gz gzip members" 2 "$members"

if [ "$failed" -eq 0 ]; then echo "all checks passed"; else echo "some checks FAILED"; fi
exit "$failed"
