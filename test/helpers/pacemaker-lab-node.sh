#!/bin/bash
# PID 1 of one pacemaker-lab node (started by test/helpers/pacemaker-lab.ts as
#   ip netns exec NS unshare --mount --uts --pid --fork --propagation private \
#       bash pacemaker-lab-node.sh NODEDIR NODENAME
# ). It gives the node private copies of everything Corosync and Pacemaker
# keep system-wide, so nothing on the host is read or written, then runs
# corosync and pacemakerd (what systemd's units would do) and reaps orphans
# until the harness SIGKILLs it, which ends every process of the node.
# The same approach as /work/shared/tools/hblab (nsinit.py, pcmk-node).
set -u
nd=$1
node=$2
fail() {
	echo "pacemaker-lab-node: $*" >&2
	exit 1
}

# Our pid as the harness sees it: /proc is still the parent namespace's here,
# and a redirection is opened by this shell itself (no fork).
outer=
while read -r key value _; do
	[ "$key" = NSpid: ] && outer=$value
done </proc/self/status
[ -n "$outer" ] || fail "cannot tell the outer pid"

hostname "$node" || fail "hostname"
bind() {
	[ -e "$2" ] || fail "$2 is missing on the host (is pacemaker installed?)"
	mount --bind "$1" "$2" || fail "cannot bind $1 on $2"
}
bind "$nd/corosync" /etc/corosync
bind "$nd/corosync-lib" /var/lib/corosync
bind "$nd/pacemaker" /var/lib/pacemaker
bind "$nd/log" /var/log/pacemaker
bind "$nd/run" /run
bind "$nd/hosts" /etc/hosts
# libqb's IPC ring buffers live in /dev/shm under fixed names
mount -t tmpfs -o mode=1777,size=64m pcmk-lab-shm /dev/shm || fail "tmpfs on /dev/shm"
mkdir -p /run/crm /run/resource-agents /run/lock
chown hacluster:haclient /run/crm && chmod 750 /run/crm
mount -t proc proc /proc || fail "mount /proc"
# Pacemaker's panic path writes "b" to sysrq-trigger: never let that reach the host
for f in /proc/sysrq-trigger /proc/sys/kernel/sysrq; do
	[ -e "$f" ] && : >"$nd/masked" && mount --bind "$nd/masked" "$f"
done

export PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none
export HA_LOGFACILITY=none HA_LOGFILE=/var/log/pacemaker/agents.log
corosync -f >>"$nd/corosync.out" 2>&1 &
for ((i = 0; i < 200; i++)); do
	corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && break
	sleep 0.05
done
corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 || fail "corosync did not come up (see $nd/corosync.out, $nd/log/corosync.log)"
pacemakerd >>"$nd/pacemakerd.out" 2>&1 &
echo "$outer" >"$nd/init.pid.tmp" && mv "$nd/init.pid.tmp" "$nd/init.pid"

# PID 1 duty: reap whatever gets re-parented here, until killed.
while :; do
	wait
	sleep 1
done
