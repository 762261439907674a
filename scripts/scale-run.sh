#!/usr/bin/env bash
# Issue 14 scale runs (docs/SCALE.md): a high-cardinality billops-gen file imported into a fresh store that
# already holds the generator's 400 customers and 2,000 account assignments (made from a small seed file of the
# same accounts, which the timed import replaces), so the import resolves customers as a real month's does.
#
#   scripts/scale-run.sh store  URL SEED_FILE MAP_DIR      # init, customers, seed import, accounts assign --file
#   scripts/scale-run.sh import URL FILE                   # the timed import (/usr/bin/time: wall, peak RSS)
#   scripts/scale-run.sh counts URL                        # distinct counts (PostgreSQL or SQLite)
#   scripts/scale-run.sh sqlite3 FILE                      # baseline: sqlite3 .import into an untyped table
#   scripts/scale-run.sh copy URL FILE                     # baseline: psql \copy into a typed table (.gz: through gzip -dc)
#
# BILLOPS (default: billops on PATH) is the binary; each call prints the load average beside its timing.
set -euo pipefail
BILLOPS=${BILLOPS:-billops}
HOME_DIR=${SCALE_HOME:-$(mktemp -d)}
export BILLOPS_DATA_DIR=$HOME_DIR/data BILLOPS_CONFIG_DIR=$HOME_DIR/config BILLOPS_USER=bench
unset BILLOPS_DATABASE_URL
load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"; }
sql() { # URL SQL
  case $1 in
    sqlite:*) sqlite3 "${1#sqlite:}" "$2" ;;
    *) psql "$1" -X -qtA -v ON_ERROR_STOP=1 -c "$2" ;;
  esac
}
case $1 in
  store)
    url=$2 seed=$3 map=$4
    "$BILLOPS" --db "$url" init >/dev/null
    tail -n +2 "$map/customers.csv" | while IFS=, read -r code name cur; do
      "$BILLOPS" --db "$url" customers add "$code" "$name" --currency "$cur" >/dev/null
    done
    "$BILLOPS" --db "$url" import "$seed" | head -1
    { echo account,customer,from; tail -n +2 "$map/accounts.csv" | cut -d, -f1,4,5; } >"$HOME_DIR/assign.csv"
    "$BILLOPS" --db "$url" accounts assign --file "$HOME_DIR/assign.csv" | tail -1
    ;;
  import)
    load; /usr/bin/time -f 'billops import: %e s wall, %M KiB peak RSS' "$BILLOPS" --db "$2" import "$3" | head -3; load
    ;;
  counts)
    url=$2
    for q in "line_items:SELECT count(*) FROM line_items" \
             "cost_rollups:SELECT count(*) FROM cost_rollups" \
             "resource_rollups:SELECT count(*) FROM resource_rollups" \
             "rating_rollups:SELECT count(*) FROM rating_rollups" \
             "dict:SELECT count(*) FROM dict" \
             "resources (distinct in rollups):SELECT count(DISTINCT resource) FROM resource_rollups" \
             "linked_accounts:SELECT count(*) FROM linked_accounts"; do
      echo "${q%%:*}: $(sql "$url" "${q#*:}" 2>&1 | tr '\n' ' ')"
    done
    ;;
  sqlite3)
    db=$(mktemp -u "$HOME_DIR/raw-XXXX.db")
    load; /usr/bin/time -f 'sqlite3 .import: %e s wall, %M KiB peak RSS' sqlite3 "$db" ".mode csv" ".import $2 raw"; load
    rm -f "$db"
    ;;
  copy)
    url=$2 file=$3
    cols="line_item_id text, time_interval text, invoice_id text, billing_entity text, bill_type text,
      payer_account_id text, billing_period_start timestamptz, billing_period_end timestamptz,
      usage_account_id text, line_item_type text, usage_start timestamptz, usage_end timestamptz,
      product_code text, usage_type text, operation text, resource_id text, usage_amount numeric,
      currency_code text, unblended_rate numeric, unblended_cost numeric, net_unblended_cost numeric,
      description text, product_name text, region text, public_on_demand_cost numeric, pricing_unit text,
      reservation_effective_cost numeric, sp_effective_cost numeric, tag_product text, tag_component text"
    sql "$url" "DROP TABLE IF EXISTS cur_typed; CREATE TABLE cur_typed ($cols)"
    src="'$file'"
    case $file in *.gz) src="PROGRAM 'gzip -dc $file'" ;; esac # psql runs gzip on the client side, as billops reads .gz
    load; /usr/bin/time -f 'psql copy: %e s wall, %M KiB peak RSS' psql "$url" -X -q -v ON_ERROR_STOP=1 \
      -c "\\copy cur_typed FROM $src CSV HEADER"; load
    sql "$url" "DROP TABLE cur_typed"
    ;;
  *) echo "unknown step $1" >&2; exit 2 ;;
esac
