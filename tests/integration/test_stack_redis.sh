# test_stack_redis.sh — scripts/stack.sh start (make run's, a test run's)
# takes only its own Redis on its port, and never waits for ever: on the
# test stack's Redis port, with that Redis stopped,
#   - a program that takes connections and never answers: start fails within
#     seconds (redis-cli's PING had no time limit: make run hung), naming the
#     port and what to set;
#   - a Redis without our password (its PING answers): start fails, saying it
#     is another Redis, not taken as ours;
# then start brings the stack's own Redis back.
# Sourced by tests/run.sh (uses tests/harness.sh).

stack="$REPO/scripts/stack.sh"
rport=$JIESU_STACK_REDIS_PORT
pport=$(cat "$JIESU_STACK_DIR/pg.port")
stack_start() { STACK_FAST=1 timeout 60 "$stack" start "$JIESU_STACK_DIR" "$rport" "$pport" >/dev/null 2>"$HARNESS_DIR/stack-$1.err"; }
"$stack" stop-redis "$JIESU_STACK_DIR"
# down: nothing listens on the port (a PING refused for want of the password fails too)
wait_for "the stack's Redis down" 10 fails bash -c "exec 3<>/dev/tcp/127.0.0.1/$rport"

python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(600)' "$rport" &
silent=$!
wait_for "a silent listener on $rport" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$rport"
began=$SECONDS
stack_start silent
rc=$?
check "start on a port whose program never answers fails" test "$rc" -ne 0 -a "$rc" -ne 124
check "... within 20 s (it hung before)" test $((SECONDS - began)) -lt 20
check "... naming the port and what to set" \
    grep -q "端口 $rport 上的程序接受了连接，却在 2 秒内没有应答 Redis 的 PING.*把 JIESU_RUN_REDIS_PORT 设成一个空闲端口" "$HARNESS_DIR/stack-silent.err"
kill "$silent"; wait "$silent" 2>/dev/null

redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$HARNESS_DIR" >"$HARNESS_DIR/other-redis.log" 2>&1 &
other=$!
wait_for "a Redis without a password on $rport" 10 bash -c "redis-cli -p $rport PING | grep -q PONG"
stack_start other
check "start on a port where a Redis without our password answers fails" test $? -ne 0
check "... saying it is not ours and what to set" \
    grep -q "端口 $rport 上的 Redis 不接受这里的密码.*把 JIESU_RUN_REDIS_PORT 设成一个空闲端口" "$HARNESS_DIR/stack-other.err"
kill "$other"; wait "$other" 2>/dev/null

stack_start own
check "start brings the stack's own Redis back" test $? -eq 0
check "... which takes our password" \
    bash -c "REDISCLI_AUTH=\$(cat '$(dirname "$JIESU_STACK_DIR")/secrets/redis.password') redis-cli --no-auth-warning -p $rport SET stack-redis 1 | grep -q OK"
