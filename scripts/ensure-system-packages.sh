#!/usr/bin/env bash
# Installs the Debian packages hakit's tests use as judges and peers
# (Pacemaker tools, crmsh, pcs, corosync, the real Heartbeat, resource agents,
# drbd-utils, socat; zsh for the zsh completion test) when they are missing.
# Needs root and apt; elsewhere it says what is missing and the tests that
# need those tools skip.
set -u
packages=(pacemaker-cli-utils pacemaker pacemaker-resource-agents fence-agents crmsh pcs corosync heartbeat resource-agents drbd-utils socat iproute2 net-tools iputils-ping zsh)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure-system-packages: not root or no apt-get; missing: ${missing[*]} (tests that need them will skip)" >&2
  exit 0
fi
echo "ensure-system-packages: installing ${missing[*]}" >&2
# Never let a package's postinst start a daemon (the real heartbeat above all).
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || true
apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/hakit-apt.log 2>&1 \
  || echo "ensure-system-packages: apt-get install failed, see /tmp/hakit-apt.log" >&2
[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
exit 0
