"""Differential test driver: the same scripted client byte streams to the
honeypot and to the real BusyBox telnetd; the answers compared byte for
byte after normalising host name, issue text and timing (segmentation).

  hp_diff.py HP_PORT REAL_PORT [CASE...]
Each case is a list of steps: bytes to send, or seconds to wait while
collecting. What arrives during a wait is one chunk; the chunks of both
sides must be equal. A closed connection is the chunk b"<closed>". Exit 0
when every case matches; otherwise a byte diff per differing chunk."""
import socket
import sys
import threading
import time

CR = b"\r\n"
MIRAI_NEG = (b"\xff\xfc\x01\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"
             b"\xff\xfc\x01\xff\xfd\x03\xff\xfd\x01")
LOGIN = [1.0, b"root" + CR, 0.3, b"xc3511" + CR, 0.8]

CASES = {
    # 4: options alone, then \r\r\n, issue, "HOST login: "
    "opening": [1.0],
    # (type-ahead sent at connect is a race on the real device: flushed when
    # it reaches the pty before login starts, read when after; not compared)
    # 1: an empty line re-prompts
    "empty_line": [1.0, CR, 0.3, CR, 0.3],
    # 2: no answer to any option; AYT gets ff ff f1
    "options_and_ayt": [1.0, b"\xff\xfe\x01\xff\xfc\x01\xff\xfd\x22\xff\xfb\x18", 0.3, b"\xff\xf6", 0.3],
    # 3: echo goes on after DONT ECHO; control bytes shown as ^A
    "echo_after_dont_echo": [1.0, b"\xff\xfe\x01", 0.2, b"ad\x01min" + CR, 0.3, b"x" + CR, 0.3],
    # (^C arriving with the rest makes the pty drop echo still queued: a race, kept apart)
    "erase_kill_intr": [1.0, b"ro\x7fot\x15adm", 0.3, b"\x03in" + CR, 0.4],
    # 5: Login incorrect after ~3 s; what is typed meanwhile is echoed, then flushed
    "login_incorrect_flush": [1.0, b"root" + CR, 0.3, b"bad" + CR, 1.0, b"admin" + CR, 2.7,
                              b"root" + CR, 0.4],
    "ctrl_d_at_login": [1.0, b"\x04", 0.4],
    "name_61_ok": [1.0, b"a" * 61 + CR, 0.4],
    "name_62_closes": [1.0, b"a" * 62 + CR, 0.4],
    "ctrl_d_at_password": [1.0, b"xuser" + CR, 0.3, b"\x04", 3.5],
    # 6: the shell
    "shell_builtins": LOGIN + [b"enable" + CR, 0.3, b"help" + CR, 0.3, b"echo $0" + CR, 0.3,
                               b"sh" + CR, 0.3, b"echo $0; system" + CR, 0.3, b"exit" + CR, 0.3,
                               b"echo hi" + CR, 0.3],
    # Mirai scanner (iot-threats.md 2.2)
    "mirai_scanner": [1.0, MIRAI_NEG, 0.3, b"root" + CR, 0.3, b"xc3511" + CR, 0.8, b"enable" + CR, 0.3,
                      b"system" + CR, 0.3, b"shell" + CR, 0.3, b"sh" + CR, 0.3,
                      b"/bin/busybox MIRAI" + CR, 0.4],
    # Mirai loader (2.3), the steps whose answers do not depend on the host
    "mirai_loader": [1.0, MIRAI_NEG, 0.3, b"root" + CR, 0.3, b"xc3511" + CR, 0.8,
                     b"enable" + CR, 0.3, b"shell" + CR, 0.3, b"sh" + CR, 0.3,
                     b"/bin/busybox ECCHI" + CR, 0.3,
                     b"/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69/var/tmp' > /var/tmp/.nippon; "
                     b"/bin/busybox cat /var/tmp/.nippon; /bin/busybox rm /var/tmp/.nippon" + CR, 0.4,
                     b"cd /var/tmp/" + CR, 0.3,
                     b">dvrHelper; /bin/busybox chmod 777 dvrHelper; /bin/busybox ECCHI" + CR, 0.4,
                     b"rm -rf upnp; > dvrHelper; /bin/busybox ECCHI" + CR, 0.4],
}


def run(port, steps, out):
    chunks = []
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(0.05)
    closed, first = False, True
    for st in steps:
        if isinstance(st, bytes):
            if not closed:
                try:
                    s.sendall(st)
                except OSError:
                    pass
            continue
        got, end = b"", time.time() + st
        # The first window lasts until the login prompt (a loaded machine
        # may take a while to start login), then its own length.
        while (time.time() < end or (first and b"login: " not in got and time.time() < end + 8)) and not closed:
            try:
                d = s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                d = b""
            if not d:
                closed = True
                got += b"<closed>"
                break
            got += d
        chunks.append(got)
        first = False
    s.close()
    out.extend(chunks)


def main():
    hp, real = int(sys.argv[1]), int(sys.argv[2])
    names = sys.argv[3:] or list(CASES)
    results, threads = {}, []
    for n in names:
        results[n] = ([], [])
        for port, out in ((hp, results[n][0]), (real, results[n][1])):
            t = threading.Thread(target=run, args=(port, CASES[n], out))
            t.start()
            threads.append(t)
        time.sleep(0.5)  # telnetd forks login per connection: not all at once
    for t in threads:
        t.join()
    bad = 0
    for n in names:
        a, b = results[n]
        diffs = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(a) != len(b):
            diffs.append((-1, a, b))
        if diffs:
            bad += 1
            print("not ok - diff: %s" % n)
            for i, x, y in diffs:
                print("#   chunk %d honeypot: %r" % (i, x))
                print("#   chunk %d real:     %r" % (i, y))
        else:
            print("ok - diff: %s (%d chunks, %d bytes alike)" % (n, len(a), sum(len(x) for x in a)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
