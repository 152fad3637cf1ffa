# test_repeats.sh — escalation's repeat sweep (重复诉求) as it runs, between
# its hourly runs over the whole window: an order a dispatcher puts in
# another category after routing joins that category's group at its place
# at the next run, whether it stays with the unit holding it (调整分类) or
# goes to another (改派 with a category); before, it was seen there only at
# the next hourly run, the repeat unmerged and unalerted up to an hour. So
# are the repeats taken back out of an order given to discipline inspection
# (取消合并): the street's orders there are a group again at the next run.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_repeats
harness_services_start "escalation.patterns_seconds = 1"
rp=$HARNESS_DIR/repeats
mkdir -p "$rp"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
GARBAGE=门口垃圾堆放多日没人清运 NOISE=楼下夜间施工噪音扰民

# rp_import FILE (TICKET MINUTES_AGO BUILDING CONTENT)...: rows called that
# long ago today at 崂山区张村社区 BUILDING 号楼, imported and routed.
rp_import() {
    local out=$1 t m b c tickets=""; shift
    printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" >"$out"
    while [ $# -gt 0 ]; do
        t=$1 m=$2 b=$3 c=$4; shift 4
        tickets="$tickets${tickets:+,}'$t'"
        printf '%s\r\n' "$t,$(TZ=Asia/Shanghai date -d "$m minutes ago" '+%Y/%-m/%-d %H:%M'),孙女士,13800000012,崂山区张村社区${b}号楼,张村社区${b}号楼${c},,一般" >>"$out"
    done
    as_role clerk jiesu import "$out" >"$out.out" 2>&1
    wait_for "$tickets routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no IN ($tickets) AND status = 'dispatched'" "$(($(grep -c '' "$out") - 1))"
}
merged_sql() {      # merged_sql PARENT: the query of the tickets merged into it, in call order
    echo "SELECT string_agg(c.ticket_no, ' ' ORDER BY c.called_at, c.id) FROM complaints c JOIN complaints p ON p.id = c.parent_id
          WHERE p.ticket_no = '$1'"
}
merged_into() { sql "$(merged_sql "$1")"; }
category() { sql "SELECT category FROM complaints WHERE ticket_no = '$1'"; }
holder() {
    sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
         WHERE c.ticket_no = '$1' AND a.active AND a.role = 'owner'"
}

# Two places, each with two complaints of uncleared rubbish and one taken for
# construction noise.
rp_import "$rp/first.csv" RP-A1 50 21 "$GARBAGE" RP-A2 45 21 "$GARBAGE" RP-A3 40 21 "$NOISE" \
    RP-B1 50 22 "$GARBAGE" RP-B2 45 22 "$GARBAGE" RP-B3 40 22 "$NOISE"
check_eq "routing puts two orders at each place in 垃圾清运, the third in 噪声扰民" "env.garbage env.garbage noise" \
    "$(sql "SELECT string_agg(category, ' ' ORDER BY ticket_no) FROM complaints WHERE ticket_no LIKE 'RP-A_'")"
# A run reads the places of the orders routed since the start of the run
# before it, less a second: three of rubbish at a third place, routed when
# that second is past, are merged by a run that reads the first two places
# no more (as when a dispatcher changes a category hours after routing).
wait_for "a second past their routing" 5 sql_eq "SELECT clock_timestamp() > max(e.at) + interval '1 second'
    FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no ~ '^RP-[AB]' AND e.event = 'routed'" t
rp_import "$rp/marker.csv" RP-M1 30 23 "$GARBAGE" RP-M2 25 23 "$GARBAGE" RP-M3 20 23 "$GARBAGE"
wait_for "the three at the third place merged by the sweep" 30 sql_eq "$(merged_sql RP-M1)" "RP-M2 RP-M3"
check_eq "… and no repeat at the two places: two orders of 垃圾清运 each" 0 \
    "$(sql "SELECT count(*) FROM complaints WHERE ticket_no ~ '^RP-[AB]' AND parent_id IS NOT NULL")"

# The third order at each place was about rubbish after all: the dispatcher
# puts RP-A3 in 垃圾清运 at the unit holding it (调整分类), and gives RP-B3 in
# 垃圾清运 to another street office (改派).
a3_holder=$(holder RP-A3)
as_role dispatcher jiesu dispatch RP-A3 "$a3_holder" 核实为垃圾清运 --category 垃圾清运 >"$rp/recat.out" 2>&1
check "the dispatcher puts RP-A3 in 垃圾清运 at the unit holding it" grep -q "分类由噪声扰民改为垃圾清运，仍由.*承办" "$rp/recat.out"
as_role dispatcher jiesu dispatch RP-B3 370212002 核实为垃圾清运，由沙子口街道处理 --category 垃圾清运 >"$rp/reassign.out" 2>&1
check "… and gives RP-B3 in 垃圾清运 to 沙子口街道" grep -q "改派给沙子口街道.*分类由噪声扰民改为垃圾清运" "$rp/reassign.out"
check_eq "… the two now of 垃圾清运" "env.garbage env.garbage" "$(category RP-A3) $(category RP-B3)"

# Three more of rubbish at a fourth place, imported after both: once they
# are merged, a run has read what the dispatcher changed.
rp_import "$rp/second.csv" RP-N1 15 24 "$GARBAGE" RP-N2 10 24 "$GARBAGE" RP-N3 5 24 "$GARBAGE"
wait_for "the three at the fourth place merged by the sweep" 30 sql_eq "$(merged_sql RP-N1)" "RP-N2 RP-N3"
check_eq "RP-A3, put in 垃圾清运 at the unit holding it, merged into RP-A1 with RP-A2" "RP-A2 RP-A3" "$(merged_into RP-A1)"
check_eq "RP-B3, given to another street office in 垃圾清运, merged into RP-B1 with RP-B2" "RP-B2 RP-B3" "$(merged_into RP-B1)"
check_eq "… one repeat alert at each place to the campaign office, listing its three orders" "RP-A1 3|RP-B1 3" \
    "$(sql "SELECT string_agg(c.ticket_no || ' ' || cardinality(a.orders), '|' ORDER BY c.ticket_no)
              FROM alerts a JOIN complaints c ON c.id = a.complaint_id
             WHERE a.rung = 'repeat' AND c.ticket_no IN ('RP-A1', 'RP-B1')")"
as_unit 370212.campaign jiesu alerts >"$rp/campaign.out" 2>&1
check "… which reads 3 单“垃圾清运”诉求 at 张村社区21号楼" grep -q "崂山区张村社区21号楼 有 3 单“垃圾清运”诉求" "$rp/campaign.out"
as_unit 370212.campaign jiesu show RP-A1 >"$rp/show-a1.out" 2>&1
check "from the alert to its orders: RP-A1 names the two merged into it, 3 单 with itself" \
    grep -Eq "^重复诉求 +(RP-A2、RP-A3|RP-A3、RP-A2) 并入本工单（连同本工单共 3 单）$" "$rp/show-a1.out"
as_unit 370212.campaign jiesu show RP-A3 >"$rp/show-a3.out" 2>&1
check "… and RP-A3 the order it was merged into" grep -Eq "^重复诉求 +已并入工单 RP-A1$" "$rp/show-a3.out"

# At a fifth place four of rubbish are merged into RP-D1, and the runs read that place no more (their
# routing a second past, three at a seventh place merged after it); then the dispatcher gives RP-D1
# to discipline inspection (the caller accused the street's staff): its three repeats, the street's
# orders, are merged into it no longer, and are a group of their own there, merged into RP-D2 by the
# next run, as the three imported after it at a sixth place are. Before, that group was read again
# only by the hourly run over the whole window.
rp_import "$rp/fifth.csv" RP-D1 14 25 "$GARBAGE" RP-D2 13 25 "$GARBAGE" RP-D3 12 25 "$GARBAGE" RP-D4 11 25 "$GARBAGE"
wait_for "the four at the fifth place merged by the sweep" 30 sql_eq "$(merged_sql RP-D1)" "RP-D2 RP-D3 RP-D4"
wait_for "a second past their routing" 5 sql_eq "SELECT clock_timestamp() > max(e.at) + interval '1 second'
    FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no ~ '^RP-D' AND e.event = 'routed'" t
rp_import "$rp/seventh.csv" RP-G1 6 27 "$GARBAGE" RP-G2 5 27 "$GARBAGE" RP-G3 4 27 "$GARBAGE"
wait_for "the three at the seventh place merged by the sweep" 30 sql_eq "$(merged_sql RP-G1)" "RP-G2 RP-G3"
as_role dispatcher jiesu dispatch RP-D1 370212.discipline 来电人反映街道工作人员收了好处才清运 >"$rp/discipline.out" 2>&1
check_eq "given RP-D1 by hand, discipline inspection holds it, its three repeats merged into it no longer" \
    "370212.discipline 3" "$(holder RP-D1) $(sql "SELECT count(*) FROM complaints c JOIN complaint_events e
        ON e.complaint_id = c.id WHERE c.ticket_no IN ('RP-D2', 'RP-D3', 'RP-D4') AND c.parent_id IS NULL
        AND e.event = 'unmerged'")"
rp_import "$rp/sixth.csv" RP-F1 3 26 "$GARBAGE" RP-F2 2 26 "$GARBAGE" RP-F3 1 26 "$GARBAGE"
wait_for "the three at the sixth place merged by the sweep" 30 sql_eq "$(merged_sql RP-F1)" "RP-F2 RP-F3"
check_eq "… and by then RP-D3 and RP-D4 merged into RP-D2, the street's group at the fifth place" \
    "RP-D3 RP-D4" "$(merged_into RP-D2)"

harness_services_stop
