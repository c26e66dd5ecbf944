"""Issue 14's table: what each brute-forcer sent and what was kept.

  hp_pairs.py CLIENT USERS PWS WIRE_HP WIRE_REAL EVENTS_HP ACCEPTED [strict|racy]
USERS, PWS: the word lists; WIRE_*: pairs read off the wire by hp_wire.py
(honeypot, real device); EVENTS_HP: `iotmon events --kind login` of the
honeypot's store; ACCEPTED: the credential list (user:password a line)
the policy accepts from.

Per side: attempted = pairs on the wire; exact = word-list pairs kept once
as sent (honeypot: in its store; real: read by login); garbled = kept pairs
not in the word lists; missing = word-list pairs never kept. Prints the
table row and TAP lines: the honeypot stores every pair sent exactly once
and exactly as sent, accepts what its policy says, and its row equals the
real device's (racy: clients with several tasks, whose skips after a find
vary from run to run, must only garble nothing on either side)."""
import json
import sys
from collections import Counter


def load_wire(path):
    try:
        return [tuple(json.loads(l)[:2]) for l in open(path) if l.strip()]
    except FileNotFoundError:
        return []


def row(kept, words, users):
    """exact: word-list pairs kept once; garbled: pairs a client did not
    mean (user=password and empty-password tries are clients' own, not
    garbled); missing: word-list pairs never kept."""
    c = Counter(kept)
    exact = sum(1 for p in c if p in words and c[p] == 1)
    own = {(u, u) for u in users} | {(u, "") for u in users}
    garbled = sum(n for p, n in c.items() if p not in words and p not in own)
    missing = sum(1 for p in words if p not in c)
    return exact, garbled, missing


def main():
    client, users, pws, wire_hp, wire_real, events, accepted = sys.argv[1:8]
    strict = sys.argv[8] if len(sys.argv) > 8 else "strict"
    users = [l.strip() for l in open(users) if l.strip()]
    pws = [l.strip() for l in open(pws) if l.strip()]
    words = {(u, p) for u in users for p in pws}
    acc = {tuple(l.rstrip("\n").split(":", 1)) for l in open(accepted) if ":" in l}
    hp_wire, real_wire = load_wire(wire_hp), load_wire(wire_real)
    stored = []
    ok_flags = {}
    for l in open(events):
        e = json.loads(l)
        if e.get("kind") != "login":
            continue
        pair = (e.get("username", ""), e.get("password", ""))
        stored.append(pair)
        ok_flags.setdefault(pair, set()).add(bool(e.get("success")))
    h, r = row(stored, words, users), row(real_wire, words, users)
    print("# | %s | %d / %d / %d / %d | %d / %d / %d / %d |" % ((client, len(hp_wire)) + h + (len(real_wire),) + r))
    bad = 0

    def check(name, cond, *why):
        nonlocal bad
        print(("ok - " if cond else "not ok - ") + "%s: %s" % (client, name))
        if not cond:
            bad += 1
            for w in why:
                print("#   %s" % w)

    check("made its attempts (%d on the wire)" % len(hp_wire), len(hp_wire) > 0)
    check("every pair sent is stored once, as sent", Counter(stored) == Counter(hp_wire),
          "stored: %s" % sorted(stored), "wire:   %s" % sorted(hp_wire))
    wrong = [p for p, f in ok_flags.items() if f != {p in acc}]
    check("accepted what the policy says", not wrong, "wrong: %s" % wrong)
    why = ("honeypot %s, real %s" % (h, r), "hp wire: %s" % hp_wire, "real wire: %s" % real_wire)
    if strict == "strict":
        check("same exact/garbled/missing as the real device", h == r, *why)
    else:  # several tasks: which pairs the client skips after a find is its own race
        check("nothing garbled, as on the real device", h[1] == r[1] == 0, *why)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
