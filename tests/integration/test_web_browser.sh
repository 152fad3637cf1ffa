# test_web_browser.sh — the workbench in a real browser: Debian's chromium
# driven by playwright-core from npm (tests/browser: package.json and its
# lockfile; `npm ci` runs here when node_modules is missing; no browser is
# ever downloaded), against the real services filled here. The steps are in
# tests/browser/workbench.test.mjs; afterwards `jiesu show` must agree that
# the order was resolved by the street office's person, and the import the
# clerk made in the browser recorded as the clerk's. Screenshots at phone
# and desktop size, of every role's workbench, go to var/test/screenshots.
# Without Chromium or npm the test says it is skipped and why: never a
# silent pass.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
if browser_ready "the workbench"; then
    web_stack jiesu_web_browser
    clerk=$(web_token browser-clerk clerk)
    file() { web_file "$clerk" "$@"; }
    a=$(file "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运")
    b=$(file "崂山区沙子口街道南姜社区" "南姜社区路边垃圾堆积")
    conduct=$(file "崂山区中韩街道" "中韩街道办工作人员态度恶劣，吃拿卡要，推诿不办" conduct)
    noise=$(file "崂山区中韩街道海尔路100号" "海尔路100号工地夜间施工噪音扰民" noise)
    lost=$(file "某处" "有人乱扔垃圾")
    for t in "$a" "$b" "$conduct" "$noise"; do
        wait_for "$t routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$t' AND status = 'dispatched'" 1
    done
    wait_for "$lost in the manual queue" 30 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$lost' AND status = 'manual'" 1
    web_user zhong handler 370212001
    web_user sha handler 370212002
    web_user jiwei discipline 370212.discipline
    web_user chuangcheng campaign 370212.campaign
    web_user paidan dispatcher
    web_user huifang callback
    web_user huawu clerk
    web_user guanli admin
    web_user locked-out handler 370212003
    python3 "$REPO/tests/tools/make_png.py" "$WEB_DIR/before.png" 160 60 40 240
    python3 "$REPO/tests/tools/make_png.py" "$WEB_DIR/after.png" 40 160 60 240
    {
        printf '工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n'
        printf 'BR1,2021-05-30 10:57,沙子口,路灯不亮,王芳,13800138000\r\n'
        printf 'BR2,2021-05-30 11:00,沙子口,,赵敏,13700137000\r\n'
        printf 'BR3,2021-05-30 12:00,中韩,井盖松动,孙丽,13600136000\r\n'
    } >"$WEB_DIR/calls.csv"
    printf '列一,列二,内容<b>\r\nX1,2021-05-30 10:57,路灯不亮\r\n' >"$WEB_DIR/odd.csv"
    browser_run workbench.test.mjs TICKET_A="$a" TICKET_B="$b" TICKET_CONDUCT="$conduct" TICKET_NOISE="$noise" \
        PHOTO_BEFORE="$WEB_DIR/before.png" PHOTO_AFTER="$WEB_DIR/after.png" IMPORT_FILE="$WEB_DIR/calls.csv" \
        IMPORT_BAD="$WEB_DIR/odd.csv"
    check_eq "the browser's import was the clerk's" "huawu 2" \
        "$(sql "SELECT imported_by || ' ' || inserted FROM imports WHERE file_name = 'calls.csv'")"
    as_role dispatcher "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/show.txt" 2>&1
    check "jiesu show: the order the browser resolved is resolved, by zhong, with its note" \
        sh -c "grep -q '已办结待回访' '$WEB_DIR/show.txt' && grep -q 'zhong' '$WEB_DIR/show.txt' && grep -q '垃圾已清运' '$WEB_DIR/show.txt'"
    for s in signin-phone workbench-phone order-accepted-phone order-phone order-desktop workbench-desktop \
             discipline-desktop locked-phone import-phone import-done-phone import-1280 import-refused-1280 \
             returned-phone bulletin-phone queue-desktop; do
        check "screenshot $s.png saved under var/" test -s "$HARNESS_ROOT/screenshots/$s.png"
    done
    for u in zhong jiwei chuangcheng paidan huifang huawu guanli; do
        check "screenshots of $u's workbench on a phone and at 1280 px saved under var/" \
            test -s "$HARNESS_ROOT/screenshots/work-$u-phone.png" -a -s "$HARNESS_ROOT/screenshots/work-$u-1280.png"
    done
    harness_services_stop
fi
