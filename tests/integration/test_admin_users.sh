# test_admin_users.sh — a district's administrator looks after its people:
# adds them with a role and the unit it needs, refused in words when the two
# do not fit.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_admin_users
harness_services_start

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
adm=$HARNESS_DIR/admin_users
rm -rf "$adm"; mkdir -p "$adm"

# 1. A person's unit is of the kind their role works for: a handler in a
# street office or a department, a campaign office's person in a campaign
# office, an inspector in discipline inspection. Before, the database's
# English came back (a handler cannot belong to a unit of kind discipline).
jiesu user add adm-kind --role handler --unit 370212.discipline --token --no-key >"$adm/kind.out" 2>&1
check_eq "a handler of discipline inspection's office is refused" 1 $?
check "… saying what the unit is, what a handler belongs to and where units are listed" \
    grep -q "崂山区纪委监委是纪委监委；承办人员属于街道办事处或职能部门：用 --unit 写明这样的单位（\`jiesu units\`）" \
    "$adm/kind.out"
check "… in Chinese, not the database's words" bash -c "! grep -q 'cannot belong' '$adm/kind.out'"
jiesu user add adm-kind --role discipline --unit 中韩街道 --token --no-key >"$adm/kind2.out" 2>&1
check "an inspector of a street office likewise" \
    grep -q "中韩街道是街道办事处；纪委监委属于纪委监委：用 --unit 写明这样的单位" "$adm/kind2.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-kind'")"
