#!/bin/bash
# Issue 16's five cases, as a user types them: bash docs/trials/identity_cases.sh [DIR]
# (run from the repo root; builds the files with identity_cases.py, one fresh database per case)
set -u
D=${1:-/tmp/identity_cases}
python3 docs/trials/identity_cases.py "$D"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # the code of this tree
cd "$D" && rm -f ./*.duckdb
cx() { python3 -m cxdata "$@" 2>&1 | grep -v '^  map\|conversion:\|WARNING'; }
kp() { python3 -m cxdata kpis --db "$1" --json 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print('   NPS', d['nps']['value'], 'n', d['nps']['n'], '| CSAT', d['csat']['value'], 'n', d['csat']['n'])"; }
echo "== 1. a bank NPS file, then a ticket CSAT file whose ids collide with it"
cx import bank_nps.csv --db c1.duckdb --map response_id=CustomerId
cx import tickets.csv --db c1.duckdb
kp c1.duckdb
echo "== 2. an e-commerce export without ids, split in two"
cx import ecom_part1.csv --db c2.duckdb --map "csat=CSAT Score" --map response_id=
cx import ecom_part2.csv --db c2.duckdb --map "csat=CSAT Score" --map response_id=
kp c2.duckdb
echo "== 3. the ticket file again with another mapping, then with --replace"
cx import tickets.csv --db c3.duckdb
cx import tickets.csv --db c3.duckdb --map segment=Market
cx import tickets.csv --db c3.duckdb --map segment=Market --replace
kp c3.duckdb
echo "== 4. A (ids 0-19,999), B (10,000-29,999), undo A"
cx import A.csv --db c4.duckdb
cx import B.csv --db c4.duckdb
cx undo 1 --db c4.duckdb
kp c4.duckdb
echo "== 5. a file dated 9999-12-31, 2099 and 0001"
cx import dates.csv --db c5.duckdb
kp c5.duckdb
