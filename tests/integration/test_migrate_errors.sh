# test_migrate_errors.sh — what `jiesu migrate` says when it cannot do its
# work, as the person running it reads it: a PostgreSQL out of reach is said
# within seconds, naming the server tried (never a password) and what to do;
# a data file written wrong (regions, the category tree, the hotline's
# category names, the gazetteer, a holiday file) names the file, the line
# and what to write there, in Chinese.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_migrate_errors
m=$HARNESS_DIR/migrate-errors
mkdir -p "$m"

# ---- PostgreSQL out of reach: nothing listens on port 1 ----
started=$EPOCHREALTIME
JIESU_PG_OWNER_CONNINFO="host=127.0.0.1 port=1 dbname=jiesu user=jiesu_owner password=s3cret-owner" \
    "$JIESU_BIN/jiesu" migrate >"$m/closed.out" 2>&1
rc=$?
took=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
check_eq "jiesu migrate with PostgreSQL out of reach fails" 1 "$rc"
check "… within a few seconds (took ${took} s; it waited 30 s before)" awk -v t="$took" 'BEGIN { exit !(t < 6) }'
check "… naming the server it tried and the key it read" \
    grep -q '连不上 PostgreSQL 127.0.0.1:1（地址取自 pg.owner_conninfo）：那里没有 PostgreSQL 在运行' "$m/closed.out"
check "… saying what to do: start it (make run starts the local one) or check the key's host and port" \
    sh -c "grep -q '先启动它（本机的 PostgreSQL 由 make run 启动），或核对 pg.owner_conninfo 的 host 和 port' '$m/closed.out'"
check "… and never the password" fails grep -q 's3cret-owner' "$m/closed.out"
JIESU_PG_OWNER_CONNINFO='' JIESU_PG_CONNINFO="host=127.0.0.1 port=1 dbname=jiesu user=jiesu_service" \
    "$JIESU_BIN/jiesu" migrate >"$m/closed-service.out" 2>&1
check "without pg.owner_conninfo: pg.conninfo is named, and why it was read" \
    grep -q '连不上 PostgreSQL 127.0.0.1:1（地址取自 pg.conninfo：没有设数据库所有者的 pg.owner_conninfo）' \
    "$m/closed-service.out"

# ---- a data file written wrong: which file, which line, what to write there ----
# Each case breaks one file of a copy of data/ and puts it back after.
d=$m/data
mkdir -p "$d"
cp -r "$REPO/data/regions" "$REPO/data/routing" "$REPO/data/categories" "$REPO/data/holidays" "$d/"
english='failed\|invalid\|syntax\|COPY\|bad \|expected\|fields\|header\|column\|violates\|out of memory'
broken() {  # broken NAME FILE: jiesu migrate on the copy with FILE (under $d) as the caller left it, then FILE put back
    JIESU_DATA_DIR=$d "$JIESU_BIN/jiesu" migrate >"$m/$1.out" 2>&1
    echo $? >"$m/$1.rc"
    cp "$REPO/data/$2" "$d/$2"
}
says() {    # says NAME TEXT: jiesu migrate failed, saying TEXT, in Chinese only
    [ "$(cat "$m/$1.rc")" = 1 ] && grep -qF -- "$2" "$m/$1.out" && ! grep -q "$english" "$m/$1.out"
}
lines() { echo $(($(grep -c '' "$d/$1") + 1)); }    # the number of a line appended to FILE

n=$(lines regions/streets.csv); echo '370212999,坏街道,street' >>"$d/regions/streets.csv"
broken streets regions/streets.csv
check "regions: a line short of columns" \
    says streets "载入区划：$d/regions/streets.csv 第 $n 行：有 3 列，表头有 8 列：补上缺的列或删去多余的逗号"
sed -i '3s/^\([^,]*,[^,]*,[^,]*,[^,]*\),[0-9]*,/\1,abc,/' "$d/categories/categories.csv"
broken accept categories/categories.csv
check "categories: a time limit that is not a number" \
    says accept "categories.csv 第 3 行：签收时限 accept_minutes 应是大于 0 的整数（工作分钟，如 120）（这一行写的是“abc”），改正后再运行 jiesu migrate"
sed -i '1s/dept_kind/department/' "$d/categories/categories.csv"
broken header categories/categories.csv
check "categories: a header renamed" \
    says header "categories.csv 第 1 行（表头）：应是 code,parent,name,dept_kind,accept_minutes,resolve_days,terms，这个文件写的是“code,parent,name,department,"
n=$(lines routing/category_aliases.csv); echo '城市管理-乱贴广告,order.nosuch' >>"$d/routing/category_aliases.csv"
broken alias routing/category_aliases.csv
check "category_aliases: a category that is not in the tree" \
    says alias "category_aliases.csv 第 $n 行：类别 category_code 不是 categories.csv 里的类别代码：写那里的一个 code（如 order.stall）（这一行写的是“order.nosuch”）"
n=$(lines routing/category_aliases.csv); echo '城市管理-占道经营,order' >>"$d/routing/category_aliases.csv"
broken alias-twice routing/category_aliases.csv
check "category_aliases: a name written twice" says alias-twice "category_aliases.csv 第 $n 行：热线的类别名称 hotline_name 与前面一行重复"
n=$(lines routing/gazetteer.csv); echo '海尔路,street,370212005,,,' >>"$d/routing/gazetteer.csv"
broken kind routing/gazetteer.csv
check "gazetteer: a kind that is neither road nor landmark" \
    says kind "gazetteer.csv 第 $n 行：种类 kind 应是 road（道路）或 landmark（地标）（这一行写的是“street”）"
n=$(lines routing/gazetteer.csv); echo '海尔路,road,370212005,,99,1' >>"$d/routing/gazetteer.csv"
broken numbers routing/gazetteer.csv
check "gazetteer: house numbers the wrong way round" says numbers "gazetteer.csv 第 $n 行：起始门牌号 num_from 大于结束门牌号 num_to"
n=$(lines routing/gazetteer.csv); echo '"海尔路,road,370212005,,,' >>"$d/routing/gazetteer.csv"
broken quote routing/gazetteer.csv
check "gazetteer: a quote not closed" says quote "gazetteer.csv 第 $n 行：英文双引号没有在这一行里结束"
printf '{"days": [\n{"date" "2031-01-01", "isOffDay": true}]}\n' >"$d/holidays/2031.json"
JIESU_DATA_DIR=$d "$JIESU_BIN/jiesu" migrate >"$m/holidays.out" 2>&1; echo $? >"$m/holidays.rc"
rm "$d/holidays/2031.json"
check "holidays: a key without its colon" says holidays "载入节假日：$d/holidays/2031.json 第 2 行，第 1 天：键的后面应是英文冒号"
JIESU_DATA_DIR=$d "$JIESU_BIN/jiesu" migrate >"$m/mended.out" 2>&1
check "the copy put back loads" test $? -eq 0
