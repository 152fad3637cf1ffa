# proc.sh — waiting for a process to end; sourced by run.sh, stack.sh and the
# test harness (Linux: reads /proc).
#
# A process that has exited but whose parent has not collected it yet (a
# zombie) has ended: make run's services and Redis are children of init, and
# an init that collects them only every second or two (some containers' do) made each one
# look alive that long after its exit. `tail --pid`, used before, looked once a
# second even for a child collected at once.
# shellcheck shell=bash

# proc_gone PID: PID has exited (or never was).
proc_gone() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }           # after "PID (COMMAND) ": the state letter first
    [ "${stat%% *}" = Z ]
}

# proc_wait_gone PID SECS: until PID has exited, at most SECS seconds; 1 if
# it is still running then.
proc_wait_gone() {
    local deadline=$((SECONDS + $2))
    until proc_gone "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}
