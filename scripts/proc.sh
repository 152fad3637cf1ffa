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

# proc_runs PID EXE [WORD]: PID is a live process of the program file EXE
# (wherever a link named it; or that file since replaced, as a rebuild does)
# whose command line holds WORD when given. A pid file outlives its process
# (a reboot, a crash), and the kernel soon hands its number to another
# program (pid_max 32768 here): killing by the number alone would kill that.
proc_runs() {
    local exe want
    ! proc_gone "$1" && exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
    want=$(realpath -e -- "$2" 2>/dev/null) || want=$2
    [ "$exe" = "$want" ] || [ "$exe" = "$want (deleted)" ] || return 1
    [ -z "${3:-}" ] || tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$3"
}

# proc_stop PIDFILE EXE [WORD]: ends the process PIDFILE names (TERM, KILL
# after 15 s) if it is still EXE's (proc_runs), and deletes PIDFILE. A number
# that names another program, or none, is left alone, and that is said in one line.
proc_stop() {
    local pid
    [ -f "$1" ] || return 0
    pid=$(cat "$1" 2>/dev/null || true)
    if [[ $pid =~ ^[1-9][0-9]*$ ]] && proc_runs "$pid" "$2" "${3:-}"; then
        kill -TERM "$pid" 2>/dev/null || true
        proc_wait_gone "$pid" 15 || kill -KILL "$pid" 2>/dev/null || true
    else
        echo "$1 已过期：进程号 ${pid:-（空）} 已不是 $(basename -- "$2")（它已退出，或机器重启过），没有结束任何进程" >&2
    fi
    rm -f "$1"
}
