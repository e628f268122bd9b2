#!/bin/bash
# PID 1 of one cut-over lab node (started by test/cutover/lab.ts as
#   ip netns exec NS unshare --mount --uts --pid --fork --propagation private \
#       bash node-init.sh NODEDIR NODENAME
# ). Like test/helpers/pacemaker-lab-node.sh, it gives the node private copies
# of what Heartbeat, Corosync and Pacemaker keep system-wide (/etc/ha.d,
# /etc/init.d, /etc/corosync, /var/lib/{corosync,pacemaker}, /run, ...), but
# starts no daemon: the test starts "hakit run --legacy" first and Corosync +
# Pacemaker later, as an admin cutting over would. Reaps orphans until the
# harness SIGKILLs it, which ends every process of the node. A real Heartbeat
# can run here too (private /var/lib/heartbeat, reboot and halt blocked).
set -u
nd=$1
node=$2
fail() {
	echo "cutover-lab-node: $*" >&2
	exit 1
}
outer=
while read -r key value _; do
	[ "$key" = NSpid: ] && outer=$value
done </proc/self/status
[ -n "$outer" ] || fail "cannot tell the outer pid"

hostname "$node" || fail "hostname"
bind() {
	[ -e "$2" ] || fail "$2 is missing on the host"
	mount --bind "$1" "$2" || fail "cannot bind $1 on $2"
}
bind "$nd/ha.d" /etc/ha.d
bind "$nd/init.d" /etc/init.d
bind "$nd/corosync" /etc/corosync
bind "$nd/corosync-lib" /var/lib/corosync
bind "$nd/pacemaker" /var/lib/pacemaker
bind "$nd/log" /var/log/pacemaker
bind "$nd/run" /run
bind "$nd/hosts" /etc/hosts
bind "$nd/hblib" /var/lib/heartbeat
mount -t tmpfs -o mode=1777,size=64m cutover-lab-shm /dev/shm || fail "tmpfs on /dev/shm"
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
mkdir -p /run/crm /run/resource-agents /run/lock /run/heartbeat/rsctmp
chown hacluster:haclient /run/crm && chmod 750 /run/crm
mount -t proc proc /proc || fail "mount /proc"
# Pacemaker's panic path writes "b" to sysrq-trigger: never let that reach the host
for f in /proc/sysrq-trigger /proc/sys/kernel/sysrq; do
	[ -e "$f" ] && : >"$nd/masked" && mount --bind "$nd/masked" "$f"
done
echo "$outer" >"$nd/init.pid.tmp" && mv "$nd/init.pid.tmp" "$nd/init.pid"
while :; do
	wait
	sleep 1
done
