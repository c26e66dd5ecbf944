#!/bin/sh
# The default profile's HTTP side answers as Boa 0.94.14rc21 does (its
# response.c/request.c): HEAD without body, OPTIONS and unknown methods 501
# (body always sent), HTTP/9.9 400, HTTP/0.9 without status line and
# headers, Boa's 404 page naming the path, and the index page's login form
# posts to a path that exists (200, the pair recorded as a login event).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/honeypot_helpers.sh"

hp_start boa "profile = busybox"
raw() { # raw REQUEST-TEXT: the whole answer, CR LF shown as |, LF as ~
	$PY -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
got = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    got += d
sys.stdout.write(got.decode("latin-1").replace("\r\n", "|").replace("\n", "~"))' "$HPORT" "$1"
}
raw 'HEAD / HTTP/1.0\r\n\r\n' >"$T/head"
check_grep "HEAD: 200 with Boa's headers" '^HTTP/1.0 200 OK|Date: .*|Server: Boa/0.94.14rc21|Accept-Ranges: bytes|Connection: close|Content-Length: [0-9]*|Last-Modified: .*|Content-Type: text/html||$' "$T/head"
raw 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' >"$T/get11"
check_grep "GET HTTP/1.1: answered in 1.1, form in the body" '^HTTP/1.1 200 OK|.*<form action="/login.cgi"' "$T/get11"
raw 'OPTIONS / HTTP/1.0\r\n\r\n' >"$T/options"
check_grep "OPTIONS: 501 with Boa's page" '^HTTP/1.0 501 Not Implemented|.*Content-Type: text/html; charset=ISO-8859-1||<HTML><HEAD><TITLE>501 Not Implemented</TITLE></HEAD>~<BODY><H1>501 Not Implemented</H1>~POST to non-script is not supported in Boa.' "$T/options"
raw 'FROB / HTTP/1.1\r\n\r\n' >"$T/frob"
check_grep "unknown method: 501 in HTTP/1.0" '^HTTP/1.0 501 Not Implemented|' "$T/frob"
raw 'GET / HTTP/9.9\r\n\r\n' >"$T/v99"
check_grep "HTTP/9.9: 400 with Boa's page" '^HTTP/1.0 400 Bad Request|.*Your client has issued a malformed or illegal request.' "$T/v99"
raw 'GET /\r\n' >"$T/v09"
check_grep "HTTP/0.9: the page alone, no status line" '^<html><head><title>Login</title>' "$T/v09"
raw 'GET /nothing?x=1 HTTP/1.0\r\n\r\n' >"$T/404"
check_grep "404: Boa's page naming the path" '^HTTP/1.0 404 Not Found|.*Content-Type: text/html; charset=ISO-8859-1||<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>~<BODY><H1>404 Not Found</H1>~The requested URL /nothing was not found on this server.' "$T/404"
raw 'POST /login.cgi HTTP/1.0\r\nContent-Length: 32\r\n\r\nusername=admin&password=s3cr%21t' >"$T/form"
check_grep "the login form's target exists" '^HTTP/1.0 200 OK|' "$T/form"
hp_stop
check_grep "the form's pair is a login event" '"username":"admin","password":"s3cr!t","success":false' "$(hp_events boa --kind login >"$T/l.json"; echo "$T/l.json")"
