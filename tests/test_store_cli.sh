#!/bin/bash
# wardmap import / indicators / table from the command line: the bundled
# store in one call, the ward table in CSV and Markdown, an import from
# flags, a failed import that leaves the store as it was (same bytes),
# and errors with their exit codes.  Synthetic inputs are written here.
. "$(dirname "$0")/lib.sh" store-cli

S=$T/store.sqlite

# 1. The bundled store in one call, and the manifest import agree.
check "import --bundled" "$BIN" import --bundled --store "$S" -q
check "store written" test -s "$S"
check "no temporary file left" test -z "$(ls "$T" | grep tmp)"
"$BIN" import --store "$T/m.sqlite" --manifest "$HOME_DIR/layers/indicators/coventry.manifest" >"$T/report.txt"
check "manifest import ok" test $? -eq 0
check "report: rows read/loaded/suppressed/rejected" \
    grep -q "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv: 32,844 rows read, 195 loaded, 0 suppressed, 0 rejected, 32,649 outside the study area (lsoa11)" "$T/report.txt"
check "report: NCMP suppressed rows" grep -q "42 rows read, 40 loaded, 2 suppressed, 0 rejected" "$T/report.txt"

# 2. indicators
"$BIN" indicators --store "$S" >"$T/ind.txt"
check "indicators lists fuel_poverty_2020" grep -q "^fuel_poverty_2020 .*lad25(1) lsoa11(195) ward25(18)" "$T/ind.txt"
check "indicators lists 2 NCMP LA rows" test "$(grep -c '_la ' "$T/ind.txt")" -eq 2
"$BIN" indicators --store "$S" --geography ward --family "fuel poverty" --format csv >"$T/ind.csv"
check "indicators csv: header + 5 (2018 to 2022 data)" test "$(wc -l <"$T/ind.csv")" -eq 6

# 3. table: CSV with components and the city total, Markdown by default.
"$BIN" table --store "$S" --geography ward --format csv -o "$T/wards.csv" --total --components \
    --indicator imd2019_d1_share --indicator fuel_poverty_2020 --indicator eth_not_white_british
check "table csv written" test -s "$T/wards.csv"
check "table csv: header + 18 wards + Coventry" test "$(wc -l <"$T/wards.csv")" -eq 20
check "table csv: Coventry total row" \
    grep -q "^E08000026,Coventry,14.35897436,28,195,195,20.30053544,28208,138952,195,44.72250778,154438,345325,42$" "$T/wards.csv"
check "table csv: St Michael's quoted name kept" grep -q "^E05001228,St Michael's," "$T/wards.csv"
"$BIN" table --store "$S" >"$T/wards.md"
check "markdown table: 18 ward rows" test "$(grep -c '^| E050' "$T/wards.md")" -eq 18
check "markdown: all four families" grep -q "IMD 2019: % LSOAs in most deprived 10% (%) .*Fuel poverty 2020 (%) .*Not White British (%) .*Year 6 obese 2015/16-17/18 (estimate) (%)" "$T/wards.md"
check "markdown: sources listed" grep -q "Fuel poverty 2020: Households in fuel poverty" "$T/wards.md"
check "markdown: Foleshill row" grep -q "^| E05001222 | Foleshill | 58.3 |" "$T/wards.md"
"$BIN" table --store "$S" --geography msoa21 --indicator eth_not_white_british -f csv >"$T/msoa.csv"
check "msoa table: Foleshill West 85.4%" grep -q "^E02001966,Coventry 009,85.4228991" "$T/msoa.csv"

# 4. Import from flags into a fresh store (synthetic table, no study areas: open set).
cat >"$T/synthetic_rates.csv" <<'EOF'
area,rate
X1,"1,200"
X2,s
X3,abc
X1,5
EOF
"$BIN" import --store "$T/flags.sqlite" "$T/synthetic_rates.csv" --id synthetic_rate --title "Synthetic rate" \
    --unit count --polarity neutral --period 2024 --geography synth --code area --value rate >"$T/flags.txt"
check "flags import ok" test $? -eq 0
check "flags import report" grep -q "4 rows read, 1 loaded, 1 suppressed, 2 rejected, 0 outside" "$T/flags.txt"
check "flags import names the bad row" grep -q 'line 4: rate "abc" is not a number' "$T/flags.txt"
check "flags import names the duplicate" grep -q 'line 5: area X1 repeats line 2' "$T/flags.txt"
check "flags import keeps 1,200" \
    test "$("$BIN" table --store "$T/flags.sqlite" --geography synth --all -f csv | grep '^X1')" = "X1,,1200"

# 5. A table's own metadata file is found next to it.
cp "$T/synthetic_rates.csv" "$T/synthetic_next.csv"
cat >"$T/synthetic_next.meta" <<'EOF'
[source]
table = synthetic_next.csv
geography = synth
code = area
period = 2025
[indicator synthetic_next]
title = Synthetic next
unit = count
polarity = neutral
value = rate
EOF
check "meta next to table" status_is 0 "$BIN" import -q --store "$T/flags.sqlite" "$T/synthetic_next.csv"
check "no meta: usage error" status_is 2 "$BIN" import -q --store "$T/flags.sqlite" "$T/synthetic_rates.csv"

# 6. A failed import leaves the store byte for byte as it was.
cp "$S" "$T/before.sqlite"
sed 's/^value = Proportion of households fuel poor (%)$/value = Proportion of households fuel poorer (%)/' \
    "$HOME_DIR/layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.meta" \
    | sed "0,/^table = /s|^table = .*|table = $HOME_DIR/layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.csv|" \
    >"$T/broken.meta"
check "broken meta: data error" status_is 3 "$BIN" import -q --store "$S" "$T/broken.meta"
check "broken meta: names the column" grep -q 'no column "Proportion of households fuel poorer (%)"' "$T/err"
check "store unchanged after failed import" cmp -s "$S" "$T/before.sqlite"
printf '[indicator x]\ntitle = X\nunits = %%\n' >"$T/typo.meta"
check "typo meta: data error" status_is 3 "$BIN" import -q --store "$S" "$T/typo.meta"
check "typo meta: file:line" grep -q "typo.meta:3: unknown key \"units\"" "$T/err"
check "store unchanged after typo" cmp -s "$S" "$T/before.sqlite"

# 7. Re-import replaces: same number of values afterwards.
n_before=$("$BIN" table --store "$S" --geography lsoa11 --indicator fuel_poverty_2020 -f csv | wc -l)
check "re-import" status_is 0 "$BIN" import -q --store "$S" "$HOME_DIR/layers/indicators/fuel_poverty/sub_regional_fuel_poverty_2020_lsoa_coventry.meta"
n_after=$("$BIN" table --store "$S" --geography lsoa11 --indicator fuel_poverty_2020 -f csv | wc -l)
check "re-import replaced ($n_before = $n_after = 196)" test "$n_before" -eq 196 -a "$n_after" -eq 196

# 8. Usage and data errors.
check "import nothing: usage" status_is 2 "$BIN" import --store "$S"
check "table unknown indicator: usage" status_is 2 "$BIN" table --store "$S" --indicator nope
check "table bad format: usage" status_is 2 "$BIN" table --store "$S" --format xml
check "table no such store: data" status_is 3 "$BIN" table --store "$T/none.sqlite"
check "no such store not created" test ! -e "$T/none.sqlite"
: > "$T/plainfile"
check "table unwritable output: io" status_is 4 "$BIN" table --store "$S" -o "$T/plainfile/x.csv"
check "help" status_is 0 "$BIN" table --help

# 9. The default store (here WARDMAP_STORE) is built when first needed,
# kept while fresh, and kept for good once the user imports into it.
D=$T/default/store.sqlite
WARDMAP_STORE=$D "$BIN" table -f csv --indicator fuel_poverty_2022 >"$T/default.csv"
check "default store built on first use" test -s "$D"
check "default store table" test "$(wc -l <"$T/default.csv")" -eq 19
touch -d '2000-01-01' "$D"
WARDMAP_STORE=$D "$BIN" indicators >/dev/null
check "fresh default store not rebuilt" test "$(stat -c %Y "$D")" -eq "$(date -d 2000-01-01 +%s)"
WARDMAP_STORE=$D "$BIN" import -q "$T/synthetic_next.csv"
check "user import into the default store" test $? -eq 0
check "user's indicator listed" grep -q "^synthetic_next " <(WARDMAP_STORE=$D "$BIN" indicators)

finish
