#!/bin/sh
# kill-tree.sh PID: a lab node's power cut. PID (the node's daemon) and every process descended from
# it (the agents it started: a resource's start or stop, a fence agent, and their children) are
# killed together, as a real power cut ends everything on the node; killing the daemon alone leaves
# its agents running as orphans that may still finish a start or a fencing afterwards.
# Walked by parent PID, so only processes the lab started are touched. Each one is stopped (SIGSTOP)
# and seen stopped before its children are listed: a stopped process cannot fork a child the walk
# would miss, and a stopped parent that dies later leaves no orphan behind. Then all get SIGKILL.
# (A process that left the tree on its own before the cut, by double-forking, is not found; the
# lab's agents do not do that.)
root=$1
case "$root" in '' | *[!0-9]*) echo "usage: kill-tree.sh PID" >&2; exit 2 ;; esac

# waits (bounded) until a process is stopped, a zombie or gone
settled() {
  i=0
  while [ $i -lt 200 ]; do
    case "$(ps -o stat= -p "$1" 2>/dev/null)" in '' | T* | t* | Z*) return 0 ;; esac
    sleep 0.01
    i=$((i + 1))
  done
}

stopped=
todo=$root
while [ -n "$todo" ]; do
  next=
  for pid in $todo; do
    # never itself (a fence agent cutting its own node's power runs this inside the tree it cuts)
    case " $stopped $$ " in *" $pid "*) continue ;; esac
    kill -STOP "$pid" 2>/dev/null || continue
    settled "$pid"
    stopped="$stopped $pid"
    next="$next $(pgrep -P "$pid" | tr '\n' ' ')"
  done
  todo=$next
done
[ -n "$stopped" ] && kill -KILL $stopped 2>/dev/null
exit 0
