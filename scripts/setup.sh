#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install what cgnat needs to build and test, from Debian's archive.
# Idempotent: when everything is present it only runs dpkg queries.
set -eu

PKGS="build-essential pkg-config meson ninja-build
libdpdk-dev dpdk-dev dpdk libyaml-dev libcmocka-dev libpcap-dev
python3 python3-scapy python3-pytest tshark iproute2 ethtool iputils-ping procps
curl python3-pyftpdlib tftp-hpa tftpd-hpa nftables prometheus iperf3 netsniff-ng
baresip-core kamailio sip-tester
gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
gir1.2-gst-rtsp-server-1.0 python3-gi
clang libclang-rt-14-dev nfdump pmacct
dpkg-dev debhelper fakeroot lintian mmdebstrap systemd-container"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "setup: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | \
	$SUDO debconf-set-selections
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
