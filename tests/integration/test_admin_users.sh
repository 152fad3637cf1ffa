# test_admin_users.sh — a district's administrator looks after its people:
# adds them with a role and the unit it needs, refused in words when the two
# do not fit or a password is too short.
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

# 2. A password is at least 8 characters whenever it is set: a reset refused
# a short one, and adding a user took one of 3.
printf 'abc\n' | jiesu user add adm-short --role clerk --no-key --password-stdin >"$adm/short.out" 2>&1
check_eq "a new user's password of 3 characters is refused" 1 $?
check "… saying so, as a reset does" grep -q "密码至少要 8 个字符" "$adm/short.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short'")"
printf 'abcdefgh\n' | jiesu user add adm-short --role clerk --no-key --password-stdin >/dev/null 2>&1
check_eq "one of 8 is taken" 1 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short' AND password_hash IS NOT NULL")"
