# desc: the served process dies (kill -9 of the HTTP server); the monitor sees it, the service restarts in place
#
# hakit's own hblab scenario (bench/crm-lab.mjs runs it from a private copy of hblab, whose own
# scenarios stay untouched). After a cold start, the HTTP server of the holder is killed with
# SIGKILL inside the node; the next recurring monitor of the HttpVip resource reports "not running"
# (rc 7) and the cluster manager recovers it on the same node (a group member's failure restarts
# it and the members after it; migration-threshold is not set, so it stays). Use a short monitor
# interval (--monitor-interval for Pacemaker, HBLAB_CRM_MONITOR for hakit's shim), since the
# kill lands at a random point of the interval. Metrics (ms):
#   detect_ms          kill -> the failed monitor ("monitor http stopped" in probe.log)
#   restart_ms         kill -> the server started again on the holder
#   kill_to_served_ms  kill -> the client is answered again
#   failed_to_served_ms  the failed monitor -> the client is answered again (the cluster manager's
#                      reaction: recording the failure, deciding, stopping and starting the server)

scenario_main() {
	local h pidfile
	coldstart_cluster || return 1
	pause 2 "steady state"
	h=$(holder)
	case $h in n[0-9]) ;; *) mark unexpected - "holder=$h"; return 1 ;; esac
	[ "$HTTP" = on ] || { mark unexpected - "needs --http on"; return 1; }
	pidfile=${NODE_DIR[$h]}/probe-state/http.pid

	metric detect_ms "harness:service_kill@$h" "probe:monitor:http stopped@$h"
	metric restart_ms "harness:service_kill@$h" "probe:start:http@$h"
	metric kill_to_served_ms "harness:service_kill@$h" "client:vip_up:$h"
	metric failed_to_served_ms "probe:monitor:http stopped@$h" "client:vip_up:$h" "harness:service_kill@$h"
	expect_holder "$h"

	act service_kill "$h" "pid=$(tr -dc '0-9' <"$pidfile")"
	node_exec "$h" sh -c "kill -KILL \$(cat '$pidfile')" || { mark unexpected "$h" "kill failed"; return 1; }
	wait_for "probe:monitor:http stopped@$h" 60 >/dev/null || return 1
	wait_for "probe:start:http@$h" 60 >/dev/null || return 1
	wait_for "client:vip_up:$h" 20 >/dev/null || return 1
	pause 3 "settle"
}
