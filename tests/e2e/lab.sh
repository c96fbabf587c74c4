#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The end-to-end lab: three network namespaces joined by veth pairs.
#
#   cgn-sub (subscriber)          cgn-rtr (cgnat, af_packet)         cgn-inet (internet)
#   veth-sub-h 100.64.0.10/10 --- veth-sub  [inside]
#                                 veth-inet [outside] --- veth-inet-h 198.51.100.254/24
#                                                         lo: 192.0.2.80 (servers)
#
# The router namespace's veths have no addresses: the kernel there neither
# answers ARP nor routes; only cgnat does. Offloads are off so af_packet sees
# real frames with complete checksums.
#
# Usage: lab.sh up | up-linux | down | exec NS CMD...
#
# CGN_LAB_PREFIX (default cgn) names the namespaces PREFIX-sub, PREFIX-rtr
# and PREFIX-inet, so that two labs (the e2e tests and a soak, say) can run
# side by side. The veths are created inside the namespaces, so their names
# never meet another lab's.
set -eu

prefix=${CGN_LAB_PREFIX:-cgn}
NS_SUB=$prefix-sub
NS_RTR=$prefix-rtr
NS_INET=$prefix-inet

offloads_off() {
	ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off \
		>/dev/null 2>&1 || true
}

down() {
	for ns in $NS_SUB $NS_RTR $NS_INET; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

up() {
	down
	for ns in $NS_SUB $NS_RTR $NS_INET; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add veth-sub-h netns $NS_SUB type veth peer name veth-sub netns $NS_RTR
	ip link add veth-inet-h netns $NS_INET type veth peer name veth-inet netns $NS_RTR
	for pair in "$NS_SUB veth-sub-h" "$NS_RTR veth-sub" "$NS_RTR veth-inet" \
		"$NS_INET veth-inet-h"; do
		# shellcheck disable=SC2086
		set -- $pair
		offloads_off "$1" "$2"
		ip -n "$1" link set "$2" up
	done
	# The router's kernel must stay out of the way.
	ip netns exec $NS_RTR sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec $NS_SUB sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec $NS_INET sysctl -qw net.ipv6.conf.all.disable_ipv6=1

	ip -n $NS_SUB addr add 100.64.0.10/10 dev veth-sub-h
	ip -n $NS_SUB route add default via 100.64.0.1

	ip -n $NS_INET addr add 198.51.100.254/24 dev veth-inet-h
	ip -n $NS_INET addr add 192.0.2.80/32 dev lo
	ip -n $NS_INET route add 203.0.113.0/28 via 198.51.100.1
}

# The reference peer: Linux's own NAT in the router namespace, nftables
# with the ftp, tftp and sip conntrack helpers, translating to 203.0.113.1.
up_linux() {
	up
	ip -n $NS_RTR addr add 100.64.0.1/10 dev veth-sub
	ip -n $NS_RTR addr add 198.51.100.1/24 dev veth-inet
	ip -n $NS_RTR addr add 203.0.113.1/32 dev lo
	ip -n $NS_RTR route add default via 198.51.100.254
	ip netns exec $NS_RTR sysctl -qw net.ipv4.ip_forward=1
	ip netns exec $NS_RTR nft -f - <<'NFT'
table ip cgnref {
	ct helper ftp-std { type "ftp" protocol tcp; }
	ct helper tftp-std { type "tftp" protocol udp; }
	ct helper sip-udp { type "sip" protocol udp; }
	ct helper sip-tcp { type "sip" protocol tcp; }
	chain prerouting {
		type filter hook prerouting priority filter;
		iifname "veth-sub" tcp dport 21 ct helper set "ftp-std"
		iifname "veth-sub" udp dport 69 ct helper set "tftp-std"
		iifname "veth-sub" udp dport 5060 ct helper set "sip-udp"
		iifname "veth-sub" tcp dport 5060 ct helper set "sip-tcp"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "veth-sub" oifname "veth-inet" accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "veth-inet" ip saddr 100.64.0.0/10 snat to 203.0.113.1
	}
}
NFT
}

case "${1:-}" in
up) up ;;
up-linux) up_linux ;;
down) down ;;
exec)
	shift
	ns=$1
	shift
	exec ip netns exec "$ns" "$@"
	;;
*)
	echo "usage: $0 up|up-linux|down|exec NS CMD..." >&2
	exit 1
	;;
esac
