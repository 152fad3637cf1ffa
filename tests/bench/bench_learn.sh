#!/usr/bin/env bash
# bench_learn.sh — the text model routing learns, on real labelled messages
# (../shared/data/complaints/teddycup2020_train.csv: 1,842 citizen messages
# of another city with their level-1 category; never copied into the
# repository, read from ../shared when present, skipped otherwise).
#
#  1. in memory (tests/tools/bench_learn.c): 5-fold cross-validated
#     macro-F1 over the 7 level-1 classes, the reference being the
#     published 0.78 of a TF-IDF character 1–2-gram logistic regression.
#     Near-duplicates (a citizen writing twice, one letter sent to two
#     offices: the features' Jaccard index 0.8 or more) are kept in one
#     fold, so no text is scored on its own copy learned; folds blind to
#     them are printed beside;
#  2. speed on one core: training on 100,000 generated orders (target < 60 s)
#     and classification (target >= 50,000 complaints/s), and the same on
#     100,000 of the real messages (cycled; 400 characters on average);
#  3. end to end as acceptance runs it, fold by fold (the folds of 1,
#     near-duplicates in one): `jiesu learn` on the other four fifths, `jiesu import` of the fold as a hotline export
#     (made under var/, no address, no category column), routing decides,
#     the categories are read back from PostgreSQL and mapped to their
#     level-1 class through the official tree. Prints the macro-F1 over all
#     1,842 messages, the share routed to discipline inspection (goal <=
#     0.5%), the conduct parts split off, and how many were dispatched to a
#     street (goal: none — they come from another city and have no address).
#  4. with BENCH_LEARN_HELDOUT=FILE (a CSV of the same kind: content and
#     label columns, such as another part of the same data): the same end to
#     end, `jiesu learn` on the shared file less the texts FILE has and their
#     near-duplicates (a part split off the shared file is not scored on
#     what was learned) and
#     `jiesu import` of FILE, and the same figures for FILE's messages.
#
#   tests/bench/bench_learn.sh BUILD_DIR [ROWS]
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
ROWS=${2:-${BENCH_ROWS:-100000}}
DATA=$REPO/../shared/data/complaints/teddycup2020_train.csv
if [ ! -r "$DATA" ]; then
    echo "== learn: skipped: $DATA is not there (real labelled messages are never part of the repository)"
    exit 0
fi
echo "== learn: real messages from $DATA"

echo "== in memory: 5-fold cross-validation, near-duplicates in one fold (reference: TF-IDF char 1-2-gram logistic regression 0.78)"
"$BUILD/tools/bench_learn" "$DATA"

bench_stack learn 26381 25434
gen=$DIR/generated.csv
"$BUILD/tools/gen_complaints" "$ROWS" 5 >"$gen"
echo "== speed, one core: $ROWS generated orders (targets: training < 60 s, classifying >= 50,000/s)"
"$BUILD/tools/bench_learn" --speed "$ROWS" "$gen"
echo "== speed, one core: $ROWS of the real messages, cycled"
"$BUILD/tools/bench_learn" --speed "$ROWS" "$DATA"

echo "== end to end: jiesu learn on four fifths, jiesu import of the fifth (near-duplicates in one fold), routing, categories from PostgreSQL"
export JIESU_REGIONS_DISTRICTS=370212,370202 JIESU_CLI_IMPORT_TIMEOUT_SECONDS=600
"$BIN/jiesu" migrate >/dev/null     # again, for the second district
"$BIN/jiesu-intake" >"$DIR/intake.log" 2>&1 & bench_track $!
"$BIN/jiesu-assignment" >"$DIR/assignment.log" 2>&1 & bench_track $!
for _ in $(seq 300); do grep -q ready "$DIR/intake.log" && grep -q ready "$DIR/assignment.log" && break; sleep 0.1; done
sql "CREATE TABLE bench_labels (ticket_no text PRIMARY KEY, label text NOT NULL)"
clerk=$(bench_user clerk clerk)     # only a clerk (话务员) imports; the administrator trains
for fold in 0 1 2 3 4; do
    mkdir -p "$DIR/fold$fold"
    "$BUILD/tools/bench_learn" --split "$DATA" "$fold" "$DIR/fold$fold"
    "$BIN/jiesu" learn "$DIR/fold$fold/train.csv" | sed "s/^/   fold $fold: /"
    "$BIN/jiesu" -k "$clerk" import "$DIR/fold$fold/export.csv" >/dev/null
    psql "$BENCH_PG" -XqAt -c "\\copy bench_labels FROM '$DIR/fold$fold/labels.csv' (FORMAT csv, HEADER true)"
    while [ "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")" != 0 ]; do sleep 0.2; done
done

# Each routed message's category up the tree to its level-1 class; F1 per true class, then the mean.
sql "CREATE VIEW bench_pred AS
     WITH RECURSIVE up AS (SELECT code, code AS top, parent_code FROM categories
                           UNION ALL SELECT up.code, p.code, p.parent_code FROM up JOIN categories p ON p.code = up.parent_code)
     SELECT l.label, coalesce(top.name, '-') AS pred, c.status, c.id
       FROM bench_labels l JOIN complaints c USING (ticket_no)
       LEFT JOIN up ON up.code = c.category AND up.parent_code IS NULL
       LEFT JOIN categories top ON top.code = up.top"
# Per true class of the view's (label, pred): F1 = 2tp / (2tp + fp + fn).
f1_sql() {
    echo "SELECT k.label, 2.0 * count(*) FILTER (WHERE p.label = k.label AND p.pred = k.label)
                 / nullif(2 * count(*) FILTER (WHERE p.label = k.label AND p.pred = k.label)
                          + count(*) FILTER (WHERE p.label <> k.label AND p.pred = k.label)
                          + count(*) FILTER (WHERE p.label = k.label AND p.pred <> k.label), 0) AS f1
            FROM (SELECT DISTINCT label FROM bench_labels) k CROSS JOIN $1 p GROUP BY k.label"
}
# The model's own likeliest class, as the reasons show it ("模型 v3：城乡建设 0.87、...").
sql "CREATE VIEW bench_model AS
     SELECT p.label, coalesce(substring(a.reasons from '模型 v[0-9]+：([^ ]+) '), '-') AS pred
       FROM bench_pred p JOIN assignments a ON a.complaint_id = p.id AND a.active AND a.role IN ('owner', 'manual')"
# The figures of the messages in bench_labels, as routing left them.
scores() {
    printf "   macro-F1 over the 7 level-1 classes, %s messages: " "$(sql "SELECT count(*) FROM bench_pred")"
    sql "SELECT round(avg(f1), 4) FROM ($(f1_sql bench_pred)) f"
    sql "SELECT '     ' || label || ': F1 ' || round(f1, 3) FROM ($(f1_sql bench_pred)) f ORDER BY 1"
    printf "   the model's own likeliest class alone (before the dictionary): "
    sql "SELECT round(avg(f1), 4) FROM ($(f1_sql bench_model)) f"
    total=$(sql "SELECT count(*) FROM bench_pred")
    discipline=$(sql "SELECT count(*) FROM bench_pred p JOIN assignments a ON a.complaint_id = p.id AND a.active
                      JOIN units u ON u.id = a.unit_id WHERE u.kind = 'discipline'")
    parts=$(sql "SELECT count(*) FROM complaints c JOIN bench_pred p ON p.id = c.link_id")
    parts_waiting=$(sql "SELECT count(*) FROM complaints c JOIN bench_pred p ON p.id = c.link_id WHERE c.status = 'manual'")
    street=$(sql "SELECT count(*) FROM bench_pred p JOIN assignments a ON a.complaint_id = p.id AND a.active
                  JOIN units u ON u.id = a.unit_id WHERE u.kind = 'street'")
    manual=$(sql "SELECT count(*) FROM bench_pred WHERE status = 'manual'")
    echo "   routed to discipline inspection: $discipline of $total ($(awk -v a="$discipline" -v b="$total" 'BEGIN {printf "%.2f", 100 * a / b}')%, goal <= 0.5%)"
    echo "   conduct parts split off for discipline inspection (the problem routed as usual): $parts, of them waiting for a dispatcher (accusing officials of a place outside the district, or of none): $parts_waiting"
    echo "   dispatched to a street office: $street (goal: none); manual dispatch: $manual"
    sql "SELECT '     outside the jurisdiction: ' || count(*) FILTER (WHERE a.reasons LIKE '%不在本辖区：转人工派单%')
            || ', category unsure: ' || count(*) FILTER (WHERE a.reasons LIKE '%分类不确定：转人工派单%')
            || ', no place: ' || count(*) FILTER (WHERE a.reasons LIKE '%没有找到地点：转人工派单%')
         FROM bench_pred p JOIN assignments a ON a.complaint_id = p.id AND a.active AND a.role = 'manual'"
}
scores

# A held-out file of the same kind (content and label columns), e.g. another
# part of the same data: `jiesu learn` on $DATA less its texts and their
# near-duplicates, `jiesu import` of it.
if [ -n "${BENCH_LEARN_HELDOUT:-}" ]; then
    echo "== held out: jiesu learn on $DATA less the texts of $BENCH_LEARN_HELDOUT and their near-duplicates, jiesu import of it, routing"
    mkdir -p "$DIR/heldout"
    "$BUILD/tools/bench_learn" --export "$BENCH_LEARN_HELDOUT" "$DIR/heldout" "$DATA"
    "$BIN/jiesu" learn "$DIR/heldout/train.csv" | sed "s/^/   /"
    "$BIN/jiesu" -k "$clerk" import "$DIR/heldout/export.csv" >/dev/null
    sql "TRUNCATE bench_labels"
    psql "$BENCH_PG" -XqAt -c "\\copy bench_labels FROM '$DIR/heldout/labels.csv' (FORMAT csv, HEADER true)"
    while [ "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")" != 0 ]; do sleep 0.2; done
    scores
fi
