# test_alert_channels.sh — alerts where people work: each unit's channel
# (units.webhook_url's scheme) gets its overdue orders' alerts in that
# channel's documented format, checked by a local stand-in for each
# (tests/tools/channel_receiver.py): a 企业微信 group robot (markdown
# message), a 钉钉 group robot with a signed URL (timestamp + HMAC-SHA256 of
# the unit's secret, verified), e-mail through SMTP (UTF-8 subject, both
# recipients); a 钉钉 robot whose secret is wrong refuses every try, and the
# delivery ends failed after the retries, kept and shown, and logged without
# the robot's token.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_channels
ch=$HARNESS_DIR/channels
rm -rf "$ch"; mkdir -p "$ch"
secret=SEC0123456789abcdef-ding
python3 "$REPO/tests/tools/channel_receiver.py" "$ch" "$secret" &
receiver=$!
wait_for "the channel receivers up" 10 test -s "$ch/http_port" -a -s "$ch/smtp_port"
robots=http://127.0.0.1:$(cat "$ch/http_port")
harness_services_start "escalation.smtp_url = smtp://127.0.0.1:$(cat "$ch/smtp_port")" \
    "escalation.smtp_from = alerts@jiesu.example.cn" "escalation.reconcile_seconds = 1" \
    "escalation.webhook_backoff_ms = 100" "escalation.webhook_max_attempts = 3"

sql "UPDATE units SET webhook_url = 'wecom+$robots/wecom/send?key=k-zhonghan' WHERE code = '370212001';
     UPDATE units SET webhook_url = 'dingtalk+$robots/dingtalk/robot/send?access_token=t-sha', alert_secret = '$secret'
      WHERE code = '370212002';
     UPDATE units SET webhook_url = 'mailto:wang@jiesu.example.cn,li@jiesu.example.cn' WHERE code = '370212003';
     UPDATE units SET webhook_url = 'dingtalk+$robots/dingtalk/robot/send?access_token=t-bad', alert_secret = 'wrong'
      WHERE code = '370212004'" >/dev/null
# overdue TICKET UNIT: an order of UNIT, its resolve deadline an hour past: its remind goes to the unit.
overdue() {
    sql "WITH c AS (INSERT INTO complaints (ticket_no, called_at, address, content, status, caller_name, caller_phone)
                    VALUES ('$1', now() - interval '3 days', '崂山区某路1号', '路灯不亮 联系13912345678', 'accepted',
                            '张三', '13912345678') RETURNING id),
              a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
                    SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '$2')
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now() - interval '3 days', now() - interval '1 hour' FROM c, units u
          WHERE u.code = '$2'" >/dev/null
}
for unit in 370212001 370212002 370212003 370212004; do
    overdue "CH-$unit" "$unit"
done
settled() { sql_eq "SELECT count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE a.rung = 'remind' AND d.state <> 'pending'" 4; }
wait_for "every street's remind delivered or given up" 60 settled
state() { sql "SELECT d.state || ' ' || d.attempts FROM deliveries d JOIN alerts a ON a.id = d.alert_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'CH-$1' AND a.rung = 'remind'"; }

check_eq "企业微信: delivered on the first try" "delivered 1" "$(state 370212001)"
check "… a markdown message the robot accepted (errcode 0)" \
    jq -se 'length == 1 and .[0].errcode == 0 and .[0].message.msgtype == "markdown"' "$ch/wecom.jsonl"
check "… saying 催办, the ticket and the street" \
    jq -se '.[0].message.markdown.content | contains("【催办】CH-370212001 中韩街道")' "$ch/wecom.jsonl"
check "… with the caller's phone masked" jq -se '.[0].message.markdown.content | (contains("13912345678") | not)' "$ch/wecom.jsonl"
check_eq "钉钉 with the right secret: delivered on the first try" "delivered 1" "$(state 370212002)"
check "… its signature and timestamp verified, a markdown title and text" \
    jq -se 'map(select(.errcode == 0)) | length == 1 and (.[0].message.markdown.title | contains("沙子口街道"))' "$ch/dingtalk.jsonl"
check_eq "e-mail: delivered" "delivered 1" "$(state 370212003)"
check "… to both recipients, from the configured sender" \
    jq -e '.to == ["<wang@jiesu.example.cn>", "<li@jiesu.example.cn>"] and .from == "<alerts@jiesu.example.cn>"' "$ch/mail-1.env"
check "… with the subject in UTF-8 (【催办】CH-370212003 王哥庄街道)" python3 -c '
import email, email.header, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
sys.exit(0 if subject == "【催办】CH-370212003 王哥庄街道" and m.get_content_charset() == "utf-8" else 1)' "$ch/mail-1.eml"
check "… and no unmasked phone in it" sh -c "! grep -q 13912345678 '$ch/mail-1.eml'"
check_eq "钉钉 with a wrong secret: refused each time, failed after 3 tries" "failed 3" "$(state 370212004)"
check_eq "… the robot said why (sign not match), three times" 3 \
    "$(jq -s 'map(select(.errmsg == "sign not match")) | length' "$ch/dingtalk.jsonl")"
check_eq "… kept with its reason" 1 "$(sql "SELECT count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'CH-370212004' AND a.rung = 'remind'
    AND d.last_error LIKE '%sign not match%'")"
check "… logged with its robot's access token masked (access_token=***), never the token" \
    sh -c "grep -q 'delivery to dingtalk+$robots/dingtalk/robot/send?access_token=\*\*\* failed for good' '$HARNESS_DIR/escalation.log' &&
           ! grep -q 't-bad' '$HARNESS_DIR/escalation.log'"

# Killed between a send and its record: that one is sent again, no other. Three reminds for
# 中韩's robot, due together; escalation kills itself as the second message leaves.
svc_kill9 escalation
for n in 1 2 3; do overdue "CH2-$n" 370212001; done
JIESU_FAILPOINT=delivery_after_send:2 svc_start escalation
wait_for "escalation killed as its second message left" 30 sh -c "! kill -0 $(cat "$HARNESS_DIR/escalation.pid") 2>/dev/null"
svc_kill9 escalation
svc_start escalation
wait_for "the three reminds delivered" 60 sql_eq "SELECT count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE 'CH2-%' AND d.state = 'delivered'" 3
check_eq "four messages for three reminds: the one in flight twice, the one recorded before it once" 4 \
    "$(jq -s 'map(select(.message.markdown.content | contains("CH2-"))) | length' "$ch/wecom.jsonl")"
check_eq "… each reminds once or twice, never more" "1 1 2" \
    "$(jq -rs '[.[] | .message.markdown.content | select(contains("CH2-")) | capture("(?<t>CH2-[0-9])").t]
              | group_by(.) | map(length) | sort | join(" ")' "$ch/wecom.jsonl")"
harness_services_stop
kill "$receiver" 2>/dev/null; wait "$receiver" 2>/dev/null
