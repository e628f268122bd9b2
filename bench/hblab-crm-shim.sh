#!/bin/sh
# hblab's --impl hakit speaks `hakit run --legacy ...` (lib/hakit-shim documents the command line);
# this shim runs hakit's CRM mode instead, on the same ha.cf (messaging, deadtime), with the CIB
# hblab's --impl pacemaker loads (lib/pcmk.py: group vip + ocf:hblab:Probe alpha, beta +
# ocf:hblab:HttpVip, location 100 on n1, stickiness from auto_failback), so both stacks run the
# same agents and configuration. It runs inside the node's private mount namespace (nsinit.py):
# the lab's ocf:hblab agents are mounted next to the host's providers there, as hblab does for
# Pacemaker nodes.
#   hblab run kill-primary --impl hakit --hakit-cmd "bench/hblab-crm-shim.sh"
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
hb=${HBLAB_DIR:-$here/../shared/tools/hblab}
hakit="node $here/bin/run.js"
cmd=$1
[ $# -gt 0 ] && shift
case $cmd in
run)
	args="" confdir=""
	while [ $# -gt 0 ]; do
		case $1 in
		--legacy) args="$args --crm" ;;
		--config-dir) confdir=$2; args="$args $1 $2"; shift ;;
		*) args="$args $1" ;;
		esac
		shift
	done
	nd=$(dirname "$confdir")
	stick=0
	grep -Eq '^[[:space:]]*auto_failback[[:space:]]+(off|no|false)' "$confdir/ha.cf" && stick=200
	# one CIB per lab run, made by the first node (hblab makes Pacemaker's before it boots the nodes:
	# not on the cold start's critical path either); written aside and renamed, so a node never reads half
	shared="$(dirname "$nd")/hakit-crm-cib-$stick-${HBLAB_CRM_MONITOR:-10s}.xml"
	if [ ! -s "$shared" ]; then
		python3 "$hb/lib/pcmk.py" cib --out "$shared.$$" --stickiness $stick --monitor "${HBLAB_CRM_MONITOR:-10s}" >/dev/null
		mv -f "$shared.$$" "$shared"
	fi
	cp "$shared" "$nd/hakit-crm-cib.xml"
	# OCF providers: the host's plus the lab's hblab (a tmpfs in this private mount namespace)
	rd="$nd/ocf-root"
	mkdir -p "$rd"
	mount -t tmpfs hblab-ocf "$rd"
	for p in /usr/lib/ocf/resource.d/*; do
		mkdir "$rd/$(basename "$p")"
		mount --bind "$p" "$rd/$(basename "$p")"
	done
	mkdir "$rd/hblab"
	mount --bind "$hb/lib/ocf/hblab" "$rd/hblab"
	mount --rbind "$rd" /usr/lib/ocf/resource.d
	exec $hakit run $args --cib "$nd/hakit-crm-cib.xml"
	;;
standby) exec $hakit crm node standby "$(uname -n)" ;;
takeover) exec $hakit crm node online "$(uname -n)" ;;
*) exec $hakit "$cmd" "$@" ;;
esac
