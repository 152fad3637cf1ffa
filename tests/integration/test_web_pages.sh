# test_web_pages.sh — the workbench's lists of more than a page and a return
# from the order page over HTTP against the real services, with curl: a list
# of 120 orders says which page of how many, links the pages either side,
# and a page past the last says so and links the last; a return takes the
# repeats merged into the order with it, each routed again at once; 退回
# tapped twice (two POSTs of one form) records one return and lands both on
# the workbench saying the order was returned.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_pages "escalation.reconcile_seconds = 2"

# ---- a list of more than a page says which page of how many; a page past the last says so ----
web_user jin handler 370212005
jin=$WEB_DIR/jin.jar
web_signin "$jin" jin >/dev/null
called=$(TZ=Asia/Shanghai date -d '-10 min' '+%Y/%m/%d %H:%M')
{
    printf '工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度\n'
    for i in $(seq 120); do
        printf 'PG%03d,%s,王先生,13800000000,崂山区金家岭街道深圳路%d号,深圳路%d号门口垃圾桶满了,环境卫生-垃圾清运,一般\n' \
            "$i" "$called" "$i" "$i"
    done
} >"$WEB_DIR/pages.csv"
as_role clerk "$JIESU_BIN/jiesu" import "$WEB_DIR/pages.csv" >"$WEB_DIR/pages.out" 2>&1
wait_for "120 orders routed to 金家岭街道" 60 \
    sql_eq "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'PG%' AND status = 'dispatched'" 120
rows() { grep -o '<td class="ticket">' "$WEB_DIR/body" | wc -l; }
page_link() { printf '<a%s href="/work?page=%d&amp;status=&amp;category=">' "${2:+ class=\"$2\"}" "$1"; }
check_eq "金家岭's workbench: 120 orders" 120 \
    "$(web_get "$jin" /work >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
check_eq "… 50 on the first page" 50 "$(rows)"
check "… which says it is page 1 of 3, and links the next" \
    grep -qF "<p class=\"pager\">第 1 页，共 3 页 $(page_link 2 next)下一页</a></p>" "$WEB_DIR/body"
check_eq "its last page" 200 "$(web_get "$jin" "/work?page=3")"
check "… says it is page 3 of 3, and links only the one before" \
    grep -qF "<p class=\"pager\">第 3 页，共 3 页 $(page_link 2)上一页</a></p>" "$WEB_DIR/body"
check_eq "… the 20 left" 20 "$(rows)"
check_eq "a page past the last, typed" 200 "$(web_get "$jin" "/work?page=9")"
check "… says there is no such page, how many there are, and links the last" \
    grep -qF "没有第 9 页：这个列表只有 3 页。$(page_link 3)看最后一页（第 3 页）</a>" "$WEB_DIR/body"
check "… with no empty table under it" sh -c "! grep -q 'class=\"orders\"' '$WEB_DIR/body'"

# A return takes the repeats merged into the order with it, as an accept does: not this unit's
# business, nor are they (one problem at one place). Before, PG119 stayed 金家岭's, 待签收, its
# deadlines running, while PG118 went to be routed again.
sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = 'PG118') WHERE ticket_no = 'PG119'" >/dev/null
check_eq "金家岭 returns PG118, a repeat merged into it: 303" 303 "$(web_act "$jin" PG118 return -F reason=垃圾桶归物业管理)"
web_landed "$jin"
check "… the workbench saying the repeat went back with it" \
    grep -q "工单 PG118：已退回，重新派单；与之合并的重复工单 PG119 随之退回。它已不归您查看" "$WEB_DIR/landed.html"
check_eq "… which it did, as the person, saying why" "jin|与工单 PG118 合并办理，随之退回：垃圾桶归物业管理" \
    "$(sql "SELECT e.actor || '|' || (e.detail->>'reason') FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
            WHERE c.ticket_no = 'PG119' AND e.event = 'returned'")"
check "… and is routed again at once, as the order is (not left for the reconciler)" wait_for "PG119 routed again" 8 \
    sql_eq "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
            WHERE c.ticket_no = 'PG119' AND e.event IN ('routed', 'manual')
              AND e.id > (SELECT max(r.id) FROM complaint_events r WHERE r.complaint_id = c.id AND r.event = 'returned')" 1

# 退回 tapped twice (a slow phone): two POSTs of one form. The second found
# the order gone from the unit and answered 没有这个工单 under 未能办理：没有可由
# 本单位办理的工单 (409), as if the return had failed; it lands on the workbench
# as the first does, saying the order was returned.
csrf=$(web_csrf "$jin" "/work/order?t=PG120")
for i in 1 2; do
    curl -s -b "$jin" -o "$WEB_DIR/act.html" -D "$WEB_DIR/act.headers" -w '%{http_code}' -F "csrf=$csrf" -F t=PG120 \
        -F action=return -F reason=垃圾桶归物业管理 "$WEB_BASE/work/act" >"$WEB_DIR/return-$i.status"
done
check_eq "退回 sent twice: both answered with the workbench" "303 303" "$(cat "$WEB_DIR/return-1.status") $(cat "$WEB_DIR/return-2.status")"
web_landed "$jin"
check "… the second saying the order was returned, and why it is not listed" \
    grep -q "工单 PG120：已退回，重新派单。它已不归您查看，所以不在下面的列表里了。" "$WEB_DIR/landed.html"
check_eq "… one return recorded" 1 \
    "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'PG120' AND e.event = 'returned'")"
harness_services_stop
