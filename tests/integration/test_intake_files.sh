# test_intake_files.sh — `jiesu import` with the files hotlines really send:
# XLSX through the whole import path (same rows as the CSV it was made from),
# hostile workbooks (zip bomb, XML entity expansion) refused with a clear
# error, and every bad-input case of a CSV: each a clear error or a rejects
# line with row, column and reason, the good rows kept, intake alive after;
# the encodings: GB18030, UTF-8 with and without a mark, UTF-16 (Excel's
# Unicode text) little- and big-endian.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_files
harness_services_start
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
files=$HARNESS_DIR/intake_files
rm -rf "$files"; mkdir -p "$files"
last_import() { sql "SELECT $1 FROM imports ORDER BY id DESC LIMIT 1"; }

# --- XLSX: the same 600 rows as a CSV, bad rows included -------------------
"$JIESU_BIN/../tools/gen_complaints" 600 7 --bad >"$files/x.csv"
"$JIESU_BIN/../tools/csv2xlsx" "$files/x.csv" "$files/x.xlsx"
as_role clerk jiesu import "$files/x.xlsx" >"$files/x.out" 2>&1
check "jiesu import FILE.xlsx succeeds" test $? -eq 0
check_eq "off a terminal: one summary line, no progress bar" "1 0" "$(grep -c '' "$files/x.out") $(grep -c ETA "$files/x.out")"
check_eq "the workbook is read as XLSX" XLSX "$(last_import encoding)"
check_eq "every sheet row read" 600 "$(last_import rows_total)"
x_inserted=$(last_import inserted)
x_rejected=$(last_import rejected)
check "the workbook's bad rows rejected" test "$x_rejected" -ge 5
check_eq "inserted + duplicates + rejected = rows" 600 "$((x_inserted + $(last_import duplicates) + x_rejected))"
as_role clerk jiesu import "$files/x.csv" >"$files/xcsv.out" 2>&1
check_eq "the CSV of the same rows adds nothing (same tickets, same verdicts)" "0 $x_rejected" \
    "$(last_import "inserted || ' ' || rejected")"
check_eq "a workbook row equals its CSV row" 1 "$(sql "SELECT count(*) FROM complaints WHERE ticket_no = '$(sed -n 2p "$files/x.csv" | cut -d, -f1)' AND content <> ''")"
"$JIESU_BIN/../tools/gen_complaints" 6000 8 >"$files/chunks.csv"
as_role clerk jiesu import "$files/chunks.csv" >"$files/chunks.out" 2>&1
check "a file of several 1 MiB chunks is imported" test $? -eq 0 -a "$(stat -c %s "$files/chunks.csv")" -gt 1048576
check_eq "imports.sha256 is the file's SHA-256, hashed as its chunks arrived" \
    "$(sha256sum "$files/chunks.csv" | cut -d' ' -f1)" "$(last_import sha256)"

# --- hostile workbooks -----------------------------------------------------
# hostile NAME SHEET_XML_FILE: a minimal workbook around the given sheet.
hostile() {
    local d=$files/$1
    mkdir -p "$d/xl/_rels" "$d/xl/worksheets"
    printf '%s' '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>' >"$d/xl/workbook.xml"
    printf '%s' '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>' >"$d/xl/_rels/workbook.xml.rels"
    cp "$2" "$d/xl/worksheets/sheet1.xml"
    (cd "$d" && zip -q -9 -r "../$1.xlsx" xl)
}
complaints_before=$(sql "SELECT count(*) FROM complaints")
{ printf '<worksheet><sheetData>'; head -c 60000000 /dev/zero | tr '\0' ' '; printf '</sheetData></worksheet>'; } >"$files/bomb.xml"
hostile bomb "$files/bomb.xml"
as_role clerk jiesu import "$files/bomb.xlsx" >"$files/bomb.out" 2>&1
check "a zip bomb is refused" test $? -ne 0
check "the error names the file and the zip bomb guard" grep -q "bomb.xlsx.*防压缩炸弹" "$files/bomb.out"
check_eq "the refused import is recorded as failed with its reason" "failed" "$(last_import "status || CASE WHEN error LIKE '%防压缩炸弹%' THEN '' ELSE ' no reason' END")"
cat >"$files/lol.xml" <<'XML'
<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>
XML
hostile lol "$files/lol.xml"
as_role clerk jiesu import "$files/lol.xlsx" >"$files/lol.out" 2>&1
check "XML entity expansion is refused" test $? -ne 0
check "the error names the file and the entity guard" grep -q "lol.xlsx.*防实体膨胀攻击" "$files/lol.out"
check_eq "hostile workbooks add no complaint" "$complaints_before" "$(sql "SELECT count(*) FROM complaints")"

# --- bad CSV input ---------------------------------------------------------
printf '工单编号,诉求地址,诉求内容\r\nB1,中韩,x\r\n' >"$files/nocol.csv"
as_role clerk jiesu import "$files/nocol.csv" >"$files/nocol.out" 2>&1
check "a missing required column is an error" test $? -ne 0
check "the error names the file and the missing column" grep -q "nocol.csv：.*缺 1 个必填字段" "$files/nocol.out"
check "... with the names it accepts" grep -q "^  来电时间（called_at）：模板认的列 来电时间 | 受理时间" "$files/nocol.out"
: >"$files/empty.csv"
as_role clerk jiesu import "$files/empty.csv" >"$files/empty.out" 2>&1
check "an empty file is an error saying so" grep -q "empty.csv.*文件是空的" "$files/empty.out"
as_role clerk jiesu import "$files/no-such.csv" >"$files/nofile.out" 2>&1
check "a missing file is an error naming it" grep -q "no-such.csv" "$files/nofile.out"

long=$(head -c 40000 /dev/zero | tr '\0' 'x')
{
    printf '\xef\xbb\xbf工单编号,来电时间,诉求地址,诉求内容,备注\r\n'
    printf 'B10,2021-05-30 10:57,沙子口,好的一行,\r\n'
    printf 'B11,2021/5/30 10:57:00,沙子口,"多行\r\n内容,""引号""",\r\n'
    printf 'B12,44346.4563,沙子口,Excel 序列号时间,\r\n'
    printf '1.23457E+17,2021-05-30 10:57,沙子口,科学计数法,\r\n'
    printf 'B14,昨天,沙子口,时间不对,\r\n'
    printf 'B15,2021-05-30 10:57,沙子口,,\r\n'
    printf 'B16,2021-05-30 10:57,沙子口,%s,\r\n' "$long"
    printf 'B17,2021-05-30 10:57,沙子口,bad \xff\xfe bytes,\r\n'
    printf 'B10,2021-05-31 11:00,沙子口,重复的工单编号,\r\n'
    printf 'B18,2021-05-30 10:57,沙子口,=HYPERLINK("http://x"),\r\n'
    printf 'B19,2021-05-30 10:57,ＡＢＣ１２３　路,全角　　文字,保留\r\n'
    printf 'B21,=1+2,沙子口,公式,\r\n'
    printf 'B20,2021-05-30 10:57,沙子口,"未结束的引号\r\n'
} >"$files/bad.csv"
as_role clerk jiesu import "$files/bad.csv" >"$files/bad.out" 2>&1
check "a file with bad rows still imports" test $? -eq 0
check_eq "rows, inserted, duplicates, rejected" "13 5 1 7" \
    "$(last_import "rows_total || ' ' || inserted || ' ' || duplicates || ' ' || rejected")"
rej=$(ls -t "$HARNESS_DIR"/rejects/*.csv | head -n 1)    # row (sheet row), line (where it starts), column, reason
check "rejects: mangled ticket number with row and column" grep -q '^5,6,工单编号,工单编号是科学计数法' "$rej"
check "rejects: a call time that is not one" grep -q '^6,7,来电时间,"\?不是导入模板 12345 认得的日期时间写法（2022-05-01、' "$rej"
check "rejects: required content empty" grep -q '^7,8,诉求内容,这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行' "$rej"
check "rejects: a field over the limit" grep -q '^8,9,诉求内容,超过 32767 个字符' "$rej"
check "rejects: invalid UTF-8" grep -q '^9,10,诉求内容,.*UTF-8' "$rej"
check "rejects: a formula in a value is defused in the rejects file" grep -q "^13,14,来电时间,.*,'=1+2\$" "$rej"
check "rejects: an unterminated quote, naming its line" grep -q '^14,15,诉求内容,第 15 行的引号到文件末尾都没有闭合' "$rej"
check_eq "first occurrence of a repeated ticket kept" "好的一行" "$(sql "SELECT content FROM complaints WHERE ticket_no = 'B10'")"
check_eq "quoted field with a line break and doubled quotes" '多行 内容,"引号"' "$(sql "SELECT content FROM complaints WHERE ticket_no = 'B11'")"
check_eq "Excel serial time" "2021-05-30 10:57:04+08" "$(sql "SET TIME ZONE 'Asia/Shanghai'; SELECT called_at::text FROM complaints WHERE ticket_no = 'B12'")"
check_eq "full-width text made half-width, whitespace collapsed" "ABC123 路|全角 文字" "$(sql "SELECT address || '|' || content FROM complaints WHERE ticket_no = 'B19'")"
check_eq "an unknown column kept in extra" '{"备注": "保留"}' "$(sql "SELECT extra FROM complaints WHERE ticket_no = 'B19'")"
check_eq "a formula-looking cell stored as it came" '=HYPERLINK("http://x")' "$(sql "SELECT content FROM complaints WHERE ticket_no = 'B18'")"

printf '工单编号,来电时间,诉求内容\r\nG1,2021-06-01 08:00,流浪犬追咬行人\r\n' | iconv -f UTF-8 -t GB18030 >"$files/gbk.csv"
as_role clerk jiesu import "$files/gbk.csv" >"$files/gbk.out" 2>&1
check_eq "a GB18030 file without BOM is detected and decoded" "GB18030 流浪犬追咬行人" \
    "$(sql "SELECT i.encoding || ' ' || c.content FROM complaints c JOIN imports i ON i.id = c.import_id WHERE c.ticket_no = 'G1'")"
printf '工单编号,来电时间,诉求内容\nU1,2021-06-01 08:00,没有字节顺序标记\n' >"$files/nobom.csv"
as_role clerk jiesu import "$files/nobom.csv" >"$files/nobom.out" 2>&1
check_eq "UTF-8 without a byte order mark" "UTF-8 1" "$(last_import "encoding || ' ' || inserted")"
# A file named in GBK (a zip made on Chinese Windows, unpacked here): PostgreSQL refused the name.
gbk_name=$files/$(printf '崂山区工单.csv' | iconv -f UTF-8 -t GB18030)
printf '工单编号,来电时间,诉求内容\nN1,2021-06-01 08:00,文件名是 GBK\n' >"$gbk_name"
as_role clerk jiesu import "$gbk_name" >"$files/gbkname.out" 2>&1
check "a file named in GBK is imported" test $? -eq 0
check_eq "… under its name read as GB18030" "崂山区工单.csv 1" "$(last_import "file_name || ' ' || inserted")"
as_role dispatcher jiesu show N1 >"$files/show-n1.out" 2>&1
check "jiesu show says where the order came from: the file, its row, the import by its number (第 N 号导入, as jiesu import and the import page number it; it read 导入批次, not a batch)" \
    grep -q "来源 *崂山区工单.csv 第 2 行（第 $(last_import id) 号导入）" "$files/show-n1.out"
as_role clerk jiesu import "$files/没有这个.csv" >"$files/missing.out" 2>&1
check "a file that is not there: refused, saying so in Chinese" \
    sh -c "test $? -ne 0 && grep -q '没有这个.csv：没有这个文件或目录' '$files/missing.out'"
# Excel's “Unicode 文本(*.txt)”: UTF-16 little-endian after its mark FF FE, tab-separated, CRLF
# (it was refused whole, to be saved again as CSV); a character written as two halves (𠀀)
# stored whole, a comma text in a tab-separated file, and a row holding half of one refused alone.
u16() { printf "$@" | iconv -f UTF-8 -t UTF-16LE; }
{
    printf '\xff\xfe'
    u16 '工单编号\t来电时间\t诉求地址\t诉求内容\r\n'
    u16 'W1\t2021-06-01 08:00\t沙子口\t另存为 Unicode 文本, 逗号是文字\r\n'
    u16 'W2\t2021-06-01 09:00\t中韩街道\t𠀀字也要认得\r\n'
    u16 'W3\t2021-06-01 10:00\t中韩\t坏'; printf '\x00\xd8'; u16 '字\r\n'
    u16 'W4\t2021-06-01 11:00\t沙子口\t最后一行\r\n'
} >"$files/unicode.txt"
as_role clerk jiesu import "$files/unicode.txt" >"$files/utf16.out" 2>&1
check "a file saved as UTF-16 (Excel's Unicode text) imports" test $? -eq 0
check "… its summary says UTF-16 (little-endian)" grep -q "unicode.txt：共 4 行，新存 3 件.*编码 UTF-16（小端）" "$files/utf16.out"
check_eq "… recorded so, the rows stored or refused" "UTF-16（小端） 4 3 1" \
    "$(last_import "encoding || ' ' || rows_total || ' ' || inserted || ' ' || rejected")"
check_eq "… its values stored as written, split at the tabs" \
    "W1 2021-06-01 08:00 沙子口 另存为 Unicode 文本, 逗号是文字|W2 2021-06-01 09:00 中韩街道 𠀀字也要认得|W4 2021-06-01 11:00 沙子口 最后一行" \
    "$(sql "SET TIME ZONE 'Asia/Shanghai'; SELECT string_agg(ticket_no || ' ' || to_char(called_at, 'YYYY-MM-DD HH24:MI') || ' ' || address || ' ' || content, '|' ORDER BY ticket_no) FROM complaints WHERE ticket_no IN ('W1', 'W2', 'W3', 'W4')")"
rej=$(ls -t "$HARNESS_DIR"/rejects/*.csv | head -n 1)
check "… the row with half a character refused, saying so" grep -q '^4,4,诉求内容,本字段第 2 个字符不完整：文件是 UTF-16 文本' "$rej"
# Big-endian (FE FF), as some systems export, under a profile that says gb18030: the mark wins, said so.
printf 'timezone = Asia/Shanghai\ndates = ymd\nencoding = gb18030\nticket_no = 工单编号\ncalled_at = 来电时间\ncontent = 诉求内容\n' >"$files/gbk.conf"
{ printf '\xfe\xff'; printf '工单编号\t来电时间\t诉求内容\r\nW5\t2021-06-02 08:00\t大端的文本\r\n' | iconv -f UTF-8 -t UTF-16BE; } >"$files/be.txt"
as_role clerk jiesu import --profile "$files/gbk.conf" "$files/be.txt" >"$files/be.out" 2>&1
check_eq "UTF-16 big-endian under a profile saying gb18030: read as its mark says" "UTF-16（大端） 大端的文本" \
    "$(sql "SELECT i.encoding || ' ' || c.content FROM complaints c JOIN imports i ON i.id = c.import_id WHERE c.ticket_no = 'W5'")"
check "… and the clerk told so, with nothing to do" \
    grep -q "be.txt：提醒：文件开头的字节顺序标记表明编码是 UTF-16（大端），就按它读了，没有按导入模板 gbk 规定的 GB18030（GBK）（encoding = gb18030）读：标记不会错，不用处理" "$files/be.out"
check "intake still answers after all of it" jiesu status
harness_services_stop
