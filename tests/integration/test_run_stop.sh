# test_run_stop.sh — make stop (scripts/run.sh stop) ends only what make run
# started: pid files left by services that died, or from before a reboot,
# name numbers the kernel has since given to other programs. In a clone's
# var/ (no make run), with pid files naming a program of someone else's and
# a process that is gone, stop kills neither, says in one line per file that
# it is stale, deletes the files and stops.
# Sourced by tests/run.sh (uses tests/harness.sh).

stop_root=$(mktemp -d)
stop_clone=$stop_root/clone
mkdir -p "$stop_clone/build/release" "$stop_clone/var/run" "$stop_clone/var/stack"
cp -r "$REPO/scripts" "$stop_clone/"
ln -s "$REPO/build/release/bin" "$stop_clone/build/release/bin"
python3 -c 'import time; time.sleep(600)' &
stranger=$!
python3 -c 'import time; time.sleep(600)' &
stranger2=$!
gone=$(sh -c 'echo $$')
echo "$stranger" >"$stop_clone/var/run/intake.pid"
echo "$gone" >"$stop_clone/var/run/assignment.pid"
echo "$stranger2" >"$stop_clone/var/stack/redis.pid"
echo 1 >"$stop_clone/var/stack/redis.port"
env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 "$stop_clone/scripts/run.sh" stop >"$HARNESS_DIR/run-stop.out" 2>&1
check "stop with stale pid files works" grep -q "jiesu 已停止" "$HARNESS_DIR/run-stop.out"
check "... and leaves alone the program that a service's pid file names now" fails proc_gone "$stranger"
check "... and the one redis.pid names" fails proc_gone "$stranger2"
check "... saying in one line that intake's pid file was stale" \
    grep -q "var/run/intake.pid 已过期：进程号 $stranger 已不是 jiesu-intake.*没有结束任何进程" "$HARNESS_DIR/run-stop.out"
check "... and assignment's, whose process is gone" \
    grep -q "var/run/assignment.pid 已过期：进程号 $gone 已不是 jiesu-assignment" "$HARNESS_DIR/run-stop.out"
check "... and Redis's" grep -q "var/stack/redis.pid 已过期：进程号 $stranger2 已不是 redis-server" "$HARNESS_DIR/run-stop.out"
check "... deleting the stale files" test -z "$(ls "$stop_clone/var/run/"*.pid "$stop_clone/var/stack/redis.pid" 2>/dev/null)"
kill "$stranger" "$stranger2" 2>/dev/null; wait "$stranger" "$stranger2" 2>/dev/null
rm -rf "$stop_root"
