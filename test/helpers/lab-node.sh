#!/bin/bash
# PID 1 of one node of a namespace lab, started as
#   ip netns exec NS unshare --mount --uts --pid --fork --propagation private \
#       bash lab-node.sh NODEDIR NODENAME MODE
# by test/helpers/pacemaker-lab.ts (MODE pacemaker) or test/cutover/lab.ts
# (MODE cutover). It gives the node private copies of what Corosync and
# Pacemaker keep system-wide (/etc/corosync, /var/lib/{corosync,pacemaker},
# /var/log/pacemaker, /run, /etc/hosts, /dev/shm), so nothing on the host is
# read or written. MODE pacemaker then runs corosync and pacemakerd (what
# systemd's units would do). MODE cutover starts no daemon (the test starts
# "hakit run --legacy" first and Corosync + Pacemaker later, as an admin
# cutting over would) and also gives the node private /etc/ha.d, /etc/init.d
# and /var/lib/heartbeat, so a real Heartbeat can run there (reboot and halt
# blocked). Then it writes NODEDIR/init.pid and reaps orphans until the
# harness SIGKILLs it, which ends every process of the node.
# The same approach as /work/shared/tools/hblab (nsinit.py, pcmk-node).
set -u
nd=$1
node=$2
mode=$3
fail() {
	echo "$mode-lab-node: $*" >&2
	exit 1
}
case "$mode" in pacemaker | cutover) ;; *) fail "unknown mode '$mode'" ;; esac

# Our pid as the harness sees it: /proc is still the parent namespace's here,
# and a redirection is opened by this shell itself (no fork).
outer=
while read -r key value _; do
	[ "$key" = NSpid: ] && outer=$value
done </proc/self/status
[ -n "$outer" ] || fail "cannot tell the outer pid"

hostname "$node" || fail "hostname"
bind() {
	[ -e "$2" ] || fail "$2 is missing on the host (are corosync, pacemaker and heartbeat installed?)"
	mount --bind "$1" "$2" || fail "cannot bind $1 on $2"
}
bind "$nd/corosync" /etc/corosync
bind "$nd/corosync-lib" /var/lib/corosync
bind "$nd/pacemaker" /var/lib/pacemaker
bind "$nd/log" /var/log/pacemaker
bind "$nd/run" /run
bind "$nd/hosts" /etc/hosts
# libqb's IPC ring buffers live in /dev/shm under fixed names
mount -t tmpfs -o mode=1777,size=64m "$mode-lab-shm" /dev/shm || fail "tmpfs on /dev/shm"
if [ "$mode" = cutover ]; then
	bind "$nd/ha.d" /etc/ha.d
	bind "$nd/init.d" /etc/init.d
	bind "$nd/hblib" /var/lib/heartbeat
	# a real Heartbeat chdir()s into cores/<user> and mlockall()s itself
	for user in root hacluster nobody; do
		mkdir -p -m 700 "/var/lib/heartbeat/cores/$user" && chown "$user" "/var/lib/heartbeat/cores/$user" 2>/dev/null
	done
	ulimit -l unlimited 2>/dev/null
	# Heartbeat's ResourceManager reboots on a failed stop: never let anything in the node reboot the host
	for p in /sbin/reboot /sbin/halt /sbin/poweroff /sbin/shutdown /usr/sbin/reboot /usr/sbin/halt /usr/sbin/poweroff /usr/sbin/shutdown; do
		[ -e "$p" ] || continue
		real=$(readlink -f "$p")
		grep -qx "$real" "$nd/blocked.list" 2>/dev/null && continue
		mount --bind "$nd/blocked.sh" "$real" && echo "$real" >>"$nd/blocked.list"
	done
	mkdir -p /run/heartbeat/rsctmp
fi
mkdir -p /run/crm /run/resource-agents /run/lock
chown hacluster:haclient /run/crm && chmod 750 /run/crm
mount -t proc proc /proc || fail "mount /proc"
# Pacemaker's panic path writes "b" to sysrq-trigger: never let that reach the host
for f in /proc/sysrq-trigger /proc/sys/kernel/sysrq; do
	[ -e "$f" ] && : >"$nd/masked" && mount --bind "$nd/masked" "$f"
done

if [ "$mode" = pacemaker ]; then
	export PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none
	export HA_LOGFACILITY=none HA_LOGFILE=/var/log/pacemaker/agents.log
	corosync -f >>"$nd/corosync.out" 2>&1 &
	for ((i = 0; i < 200; i++)); do
		corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && break
		sleep 0.05
	done
	corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 || fail "corosync did not come up (see $nd/corosync.out, $nd/log/corosync.log)"
	pacemakerd >>"$nd/pacemakerd.out" 2>&1 &
fi
echo "$outer" >"$nd/init.pid.tmp" && mv "$nd/init.pid.tmp" "$nd/init.pid"

# PID 1 duty: reap whatever gets re-parented here, until killed.
while :; do
	wait
	sleep 1
done
