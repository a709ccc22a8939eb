#!/usr/bin/env bash
# The import trials of docs/import-trials.md, in order, against ONE fresh database.
#   bash docs/trials/run_trials.sh [WORKDIR]      (default /tmp/trials; run from the repo root)
# Builds the exports (docs/trials/make_exports.py, seeded) into WORKDIR/exports, deletes
# WORKDIR/cx.duckdb, then runs every command a new user ran, printing each command, its output
# (per-row reject lines cut) and, after each import, the KPIs shown next to the truth.
set -u
cd "$(dirname "$0")/../.." || exit 1   # run the code of the tree this script sits in
W=${1:-/tmp/trials}
E=$W/exports
DB=$W/cx.duckdb
mkdir -p "$W"
rm -f "$DB" "$DB.wal"
python docs/trials/make_exports.py "$E" > "$W/truth.txt" || exit 1

cx() {  # run a cxdata command, print it (paths shortened), its output and exit code
  echo
  echo "\$ python -m cxdata $*" | sed "s#$E/##g; s#--db $DB#--db \$DB#g"
  python -m cxdata "$@" 2>&1 | grep -v '^  line [0-9]' | sed "s#$E/##g"
  echo "  [exit ${PIPESTATUS[0]}]"
}
kp() {  # kpis --json, one line
  echo "\$ python -m cxdata kpis --db \$DB --json $*"
  python -m cxdata kpis --db "$DB" --json "$@" | python -c '
import json, sys
d = json.load(sys.stdin); n, c, e = d["nps"], d["csat"], d["ces"]
r = lambda v, k=2: None if v is None else round(v, k)
print("  shown: NPS", r(n["value"]), "n", n["n"], "| CSAT", r(c["value"]), "n", c["n"],
      "| CES", r(e["mean"], 3), "n", e["n"], "low-effort", r(e["low_effort_pct"]))'
}
truth() {  # truth FILE [KEY ...]: the figures computed by the generator
  python - "$E/truth.json" "$@" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))[sys.argv[2]]
for k in sys.argv[3:]:
    t = t[k]
parts = []
for f in ("nps", "csat"):
    if f in t:
        parts.append(f"{f.upper()} {t[f]['value']} n {t[f]['n']}")
if "ces" in t:
    parts.append(f"CES {t['ces']['mean']} n {t['ces']['n']} low-effort {t['ces']['low_effort_pct']}")
print("  truth:", " | ".join(parts) or json.dumps(t))
EOF
}
last_id() {  # the id of the newest import that is done
  python -m cxdata imports --db "$DB" --json | python -c '
import json, sys
d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("imports", d)
print(max(i["import_id"] for i in d if i["status"] == "done"))'
}

echo "=== 4. bank NPS (ids 1000-5999)"
cx import $E/bank_nps.csv --db $DB --dry-run
cx import $E/bank_nps.csv --db $DB
kp; truth bank_nps.csv
kp --from 2023-01-01 --to 2023-01-31; truth bank_nps.csv by_month 2023-01

echo; echo "=== 2. support tickets (Ticket ID 1..3000, overlapping the bank ids)"
cx import $E/support_tickets.csv --db $DB --dry-run
cx import $E/support_tickets.csv --db $DB --dry-run --accept-rejects
cx import $E/support_tickets.csv --db $DB --accept-rejects
T=$(last_id)
kp --from 2023-05-01 --to 2023-05-31; truth support_tickets.csv by_first_response_month 2023-05
kp --from 2023-06-01 --to 2023-06-30; truth support_tickets.csv by_first_response_month 2023-06
echo "  (truth by month of Time to Resolution, when the rating is given:)"; truth support_tickets.csv by_month 2023-05; truth support_tickets.csv by_month 2023-06
kp --channel Phone
kp --channel phone
echo "\$ python -m cxdata imports $T --rejects | sort | uniq -c (by reason)"
python -m cxdata imports "$T" --rejects --db "$DB" | sed 's/^line [0-9]*, //' | sort | uniq -c

echo; echo "=== 3. e-commerce CSAT, month 1 and month 2"
cx import $E/ecommerce_csat_2023_07.csv --db $DB --dry-run
cx import $E/ecommerce_csat_2023_07.csv --db $DB
cx import $E/ecommerce_csat_2023_08.csv --db $DB
kp --from 2023-07-01 --to 2023-08-31; truth "ecommerce both months"
truth ecommerce_csat_2023_07.csv by_month; truth ecommerce_csat_2023_08.csv by_month
echo "  (expected in the window: 1399 + 1 + 1596 e-commerce rows + 5 July ticket ratings = n 3001)"

echo; echo "=== 1. airline satisfaction (no date column)"
cx import $E/airline_satisfaction.csv --db $DB --dry-run
cx import $E/airline_satisfaction.csv --db $DB --dry-run --set responded_at=2023-09-30 --map-value "csat:neutral or dissatisfied=2"
cx import $E/airline_satisfaction.csv --db $DB --set responded_at=2023-09-30 --map-value "csat:neutral or dissatisfied=2"
kp --from 2023-09-30 --to 2023-09-30; truth airline_satisfaction.csv
kp --from 2023-09-30 --to 2023-09-30 --segment "Loyal Customer"
echo "  -- the 0-5 'Ease of Online booking' (0 = not applicable) as CES, as the messages lead:"
cx import $E/airline_satisfaction.csv --db $DB --dry-run --set responded_at=2023-09-30 --map-value "csat:neutral or dissatisfied=2" --map "ces=Ease of Online booking"
cx import $E/airline_satisfaction.csv --db $DB --replace --set responded_at=2023-09-30 --map-value "csat:neutral or dissatisfied=2" --map "ces=Ease of Online booking" --map ces.scale=0-5
kp --from 2023-09-30 --to 2023-09-30; truth airline_satisfaction.csv ease_of_online_booking
echo "  (truth as CES after the stated rule: n 1945, low-effort 35.78 = share of ease 4-5, mean 3.245)"
cx import $E/airline_satisfaction.csv --db $DB --replace --set responded_at=2023-09-30 --map-value "csat:neutral or dissatisfied=2" --map "ces=Ease of Online booking" --map ces.scale=0-5 --map-value "ces:0="
kp --from 2023-09-30 --to 2023-09-30

echo; echo "=== 5. SurveyMonkey (2-row header, long questions)"
cx import $E/surveymonkey_city.csv --db $DB --dry-run
cx import $E/surveymonkey_city.csv --db $DB
kp --from 2023-10-01 --to 2023-10-31; truth surveymonkey_city.csv

echo; echo "=== 6a. Qualtrics legacy (V1.. codes, question text in row 2)"
cx import $E/qualtrics_legacy.csv --db $DB --dry-run
cx import $E/qualtrics_legacy.csv --db $DB
kp --from 2017-03-01 --to 2017-04-30; truth qualtrics_legacy.csv
cx import $E/qualtrics_legacy.csv --db $DB --replace --map ces.direction=effort
kp --from 2017-03-01 --to 2017-04-30

echo; echo "=== 6b. Qualtrics current (3 header rows, ImportId, America/Denver)"
cx import $E/qualtrics_current.csv --db $DB --dry-run
cx import $E/qualtrics_current.csv --db $DB --map ces=Q3 --map channel=Q4
kp --from 2023-12-01 --to 2023-12-31; truth qualtrics_current.csv
truth qualtrics_current.csv ces_ease_1_7
kp --from 2023-12-01 --to 2024-01-01; truth qualtrics_current.csv with_preview_rows

echo; echo "=== 7. Italian export (; , decimal commas, dd/mm/yyyy, Windows-1252)"
cx import $E/italiano_soddisfazione.csv --db $DB --dry-run
cx import $E/italiano_soddisfazione.csv --db $DB
I=$(last_id)
echo "\$ python -m cxdata imports $I --rejects | grep -v 'no score'"
python -m cxdata imports "$I" --rejects --db "$DB" | grep -v "no score"
kp --from 2024-01-01 --to 2024-01-31; truth italiano_soddisfazione.csv by_month 2024-01
kp --from 2024-02-01 --to 2024-02-29; truth italiano_soddisfazione.csv by_month 2024-02
kp --from 2024-01-01 --to 2024-02-29 --channel phone; truth italiano_soddisfazione.csv by_channel Telefono
kp --from 2024-01-01 --to 2024-02-29 --channel Telefono
kp --from 2024-01-01 --to 2024-02-29 --segment Consumer; truth italiano_soddisfazione.csv by_segment Privati
kp --from 2024-01-01 --to 2024-02-29 --segment Privati

echo; echo "=== 8a. one-off survey, no date column"
cx import $E/it_survey_oneoff.csv --db $DB --dry-run
cx import $E/it_survey_oneoff.csv --db $DB --dry-run --set responded_at=2024-03-15
cx import $E/it_survey_oneoff.csv --db $DB --set responded_at=2024-03-15
kp --from 2024-03-15 --to 2024-03-15; truth it_survey_oneoff.csv

echo; echo "=== 8b. journey events with a 'cart' stage"
cx stages --db $DB
cx import $E/journey_events.csv --db $DB --dry-run
cx stages --db $DB awareness consideration cart purchase retention advocacy
cx import $E/journey_events.csv --db $DB
echo "\$ (library) funnel_steps over all dates, across channels; then with the order the message suggested"
python - "$DB" <<'EOF'
import sys
import duckdb
from cxdata.filters import Filters
from cxdata.funnel import funnel_steps
con = duckdb.connect(sys.argv[1], read_only=True)
for order in (None, ["awareness", "consideration", "purchase", "retention", "advocacy", "cart"]):
    f = funnel_steps(con, Filters(), per_channel=False, stages=order)
    print("  ", " -> ".join(f"{s} {c}" for s, c in zip(f["stage"], f["customers"])))
EOF
truth journey_events.csv

echo; echo "=== 9a. the same month again with another mapping, then --replace; then a re-download"
cx import $E/ecommerce_csat_2023_07.csv --db $DB --map product=category
cx import $E/ecommerce_csat_2023_07.csv --db $DB --map product=category --replace
kp --from 2023-07-01 --to 2023-08-31
cx import $E/ecommerce_csat_2023_07_redownload.csv --db $DB --map product=Sub-category
cx import $E/ecommerce_csat_2023_07_redownload.csv --db $DB --map product=Sub-category --replace

echo; echo "=== 9b. two overlapping exports of one Google Form (no id column), then undo the first"
cx import $E/gforms_store_2024-04-20.csv --db $DB --dry-run
cx import $E/gforms_store_2024-04-20.csv --db $DB
A=$(last_id)
kp --from 2024-04-01 --to 2024-04-30; truth gforms_store_2024-04-20.csv
cx import $E/gforms_store_2024-05-01.csv --db $DB
kp --from 2024-04-01 --to 2024-04-30; truth gforms_store_2024-05-01.csv; truth gforms_store_2024-05-01.csv as_effort_8_minus
echo "\$ python -m cxdata imports --json (the two imports: loaded, duplicates, shared_with)"
python -m cxdata imports --db "$DB" --json | python -c '
import json, sys
d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("imports", d)
for i in d[:2]:
    print("  ", {k: i[k] for k in ("import_id", "file_name", "loaded", "duplicates", "shared_with") if k in i})'
cx undo $A --db $DB
kp --from 2024-04-01 --to 2024-04-30

echo; echo "=== 10. the same form's next weekly download (1-7 May: no day number over 12)"
cx import $E/gforms_store_2024-05-08.csv --db $DB --dry-run
cx import $E/gforms_store_2024-05-08.csv --db $DB
kp --from 2024-05-01 --to 2024-05-31; truth gforms_store_2024-05-08.csv
kp --from 2024-01-01 --to 2024-01-31; echo "  (January 2024 held only the Italian file and 11 Qualtrics rows before: see section 7)"
cx import $E/gforms_store_2024-05-08.csv --db $DB --replace --date-format monthfirst
kp --from 2024-05-01 --to 2024-05-31

echo; echo "=== the end"
cx tidy --db $DB
cx imports --db $DB
kp
