#!/usr/bin/python3
"""Independent HTTP client for fundledger, written from the spec alone.

Reads only ../shared/spec (API.md, LEDGER.md, EVENTS.md); uses the Python standard
library (urllib.request, json, hashlib, base64, subprocess) and the `cryptography`
package through speccheck.py, no code of the C++ project. It starts `fundledger serve`,
registers agencies with the admin key, appends envelopes it signs itself (one by one and
in a batch), verifies every receipt's signed checkpoint, inclusion and consistency
proofs and every stored entry, then sends each bad request of API.md's status table and
checks its status, its problem type and that nothing was stored.

  /usr/bin/python3 check_http.py --fundledger BUILD/fundledger --workdir DIR

Prints one line per check and ends with `N passed, M failed`; exit 0 only if M == 0.
"""

import argparse
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import speccheck  # noqa: E402
from speccheck import (  # noqa: E402
    DEFAULT_VECTORS, Checks, Fatal, b64, ensure, jcs, key_id, leaf_hash, mth,
    parse_verifier_key, prepare_workdir, raw_pub, run_selftests, strict_json,
    unb64, uscc, verify_checkpoint, verify_consistency, verify_event_sig, verify_inclusion)

WORKDIR_MARKER = ".check_http_workdir"
LEDGER_NAME = "http.test"
ORIGIN = "fundledger/" + LEDGER_NAME


def sign_event(priv, event):
    """Every event this script signs is for its own ledger (LEDGER.md 2)."""
    return speccheck.sign_event(priv, event, ORIGIN)
JSON_TYPE = "application/json; charset=utf-8"
PROBLEM_TYPE = "application/problem+json"
RFC3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
HEX64 = r"[0-9a-f]{64}"


# ---------------------------------------------------------------------------
# HTTP

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def ctype(self):
        return self.headers.get("Content-Type", "")

    def json(self):
        return strict_json(self.body.decode("utf-8"))

    def brief(self):
        return f"{self.status} {self.ctype} {self.body[:300].decode('utf-8', 'replace')}"


class Http:
    def __init__(self, base):
        self.base = base
        # Never through a proxy from the environment: the server is on loopback.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method, path, body=None, ctype=None, token=None):
        headers = {}
        if ctype is not None:
            headers["Content-Type"] = ctype
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=120) as r:
                return Resp(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Resp(e.code, e.headers, e.read())

    def get(self, path, token=None):
        return self.call("GET", path, token=token)

    def post(self, path, body, ctype="application/json"):
        return self.call("POST", path, body=body, ctype=ctype)


def body_of(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ok_json(resp, status=200):
    ensure(resp.status == status, f"status {resp.status}, want {status}: {resp.brief()}")
    ensure(resp.ctype == JSON_TYPE, f"Content-Type {resp.ctype!r}, want {JSON_TYPE!r}")
    return resp.json()


def problem(resp, status, code):
    """A problem document (RFC 9457) with our status and code; returns it."""
    ensure(resp.status == status, f"status {resp.status}, want {status} {code}: {resp.brief()}")
    ensure(resp.ctype.split(";")[0].strip() == PROBLEM_TYPE,
           f"Content-Type {resp.ctype!r}, want {PROBLEM_TYPE}")
    p = resp.json()
    ensure(p.get("type") == "urn:fundledger:error:" + code,
           f"type {p.get('type')!r}, want urn:fundledger:error:{code}: {resp.brief()}")
    ensure(p.get("status") == status, f"problem status {p.get('status')!r}")
    ensure(isinstance(p.get("title"), str) and p["title"], "no title")
    ensure(isinstance(p.get("detail"), str), "no detail")
    return p


# ---------------------------------------------------------------------------
# The server process

class Server:
    def __init__(self, binary, data_dir, log_path):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc = None
        self.listen = None
        self.stdout_rest = []

    def start(self, timeout=60):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", self.data_dir, "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ensure(left > 0, f"no line on stdout within {timeout} s")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    raise AssertionError(f"serve closed stdout (exit {self.proc.wait(timeout=10)}) "
                                         f"before printing its address")
                line += ch
        info = strict_json(line.decode("utf-8"))
        ensure(isinstance(info.get("listen"), str), f"no listen in {info}")
        self.listen = info["listen"]
        threading.Thread(target=self._drain, daemon=True).start()
        return info

    def _drain(self):
        for line in self.proc.stdout:
            self.stdout_rest.append(line)

    def stop(self, timeout=60):
        """SIGTERM and wait; returns the exit code (SIGKILL after timeout: None)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.log.close()


def run_cli(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Main flow

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fundledger", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--vectors", default=DEFAULT_VECTORS)
    args = ap.parse_args()
    workdir = os.path.abspath(args.workdir)
    if not prepare_workdir(workdir, WORKDIR_MARKER):
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(args.fundledger)
    data_dir = os.path.join(workdir, "ledger")
    C = Checks()
    server = Server(binary, data_dir, os.path.join(workdir, "serve.log"))
    try:
        run_all(C, binary, server, data_dir, args.vectors)
    except Fatal as f:
        print(f"stopping: later checks need `{f}`", flush=True)
    finally:
        if server.proc is not None:
            def shutdown():
                rc = server.stop()
                ensure(rc == 0, f"serve exit status {rc} after SIGTERM, want 0 "
                                f"(log: {server.log_path})")
                return "exit 0 after SIGTERM"

            C.run("serve stops cleanly on SIGTERM with exit 0", shutdown)
    return C.summary()


def run_all(C, binary, server, data_dir, vectors):
    run_selftests(C, vectors)
    S = {}

    # ---- 1. init, tokens, serve ----------------------------------------------
    def init():
        rc, out, err = run_cli(binary, "init", "--data", data_dir, "--name", LEDGER_NAME)
        ensure(rc == 0, f"init exit {rc}: {err.strip()}")
        info = strict_json(out)
        for k in ("name", "origin", "verifier_key", "admin_agency", "admin_key_file"):
            ensure(k in info, f"init output lacks {k}: {info}")
        ensure(info["origin"] == "fundledger/" + LEDGER_NAME, f"origin {info['origin']}")
        with open(os.path.join(data_dir, "admin.pem"), "rb") as f:
            admin = serialization.load_pem_private_key(f.read(), password=None)
        ensure(isinstance(admin, Ed25519PrivateKey), "admin.pem is not an Ed25519 key")
        S["info"], S["admin"] = info, admin
        S["vk"] = parse_verifier_key(info["verifier_key"])
        return f"origin {info['origin']}, admin agency {info['admin_agency']}"

    C.run("init creates the ledger; admin.pem loads", init, fatal=True)

    def tokens():
        got = {}
        for label, scope in (("auditor", "000000"), ("auditor_530700", "530700")):
            rc, out, err = run_cli(binary, "token", "create", "--data", data_dir,
                                   "--role", "auditor", "--scope", scope)
            ensure(rc == 0, f"token create exit {rc}: {err.strip()}")
            tok = out.strip()
            ensure(out.count("\n") <= 1 and tok and not re.search(r"\s", tok),
                   f"token create prints more than the token: {out!r}")
            got[label] = tok
        ensure(got["auditor"] != got["auditor_530700"], "two tokens are equal")
        S["tokens"] = got
        return "auditor tokens for scope 000000 and 530700, each printed alone"

    C.run("token create prints the token alone", tokens, fatal=True)

    def serve():
        info = server.start()
        S["http"] = Http("http://" + server.listen)
        return f"listening on {server.listen}: {json.dumps(info)}"

    C.run("serve starts and prints its listen address", serve, fatal=True)
    H = S["http"]
    vk_name, vk_hash, vk_pub = S["vk"]
    origin = S["info"]["origin"]
    auditor = S["tokens"]["auditor"]

    def ledger_info():
        d = ok_json(H.get("/v1/ledger"))
        ensure(set(d) == {"name", "origin", "verifier_key", "tree_size"}, f"fields {sorted(d)}")
        ensure(d["name"] == LEDGER_NAME and d["origin"] == origin, f"{d}")
        ensure(d["verifier_key"] == S["info"]["verifier_key"], "verifier_key differs from init's")
        ensure(d["tree_size"] == 1, f"tree_size {d['tree_size']}, want 1")
        return f"{d['name']}, tree_size 1, verifier_key = init's"

    C.run("GET /v1/ledger", ledger_info, fatal=True)

    # Every signed checkpoint seen: size -> root (one root per size, LEDGER.md section 5).
    cps = {}

    def note(text):
        o, size, root = verify_checkpoint(text, vk_name, vk_hash, vk_pub)
        ensure(o == origin, f"checkpoint origin {o!r}")
        ensure(cps.setdefault(size, root) == root,
               f"two checkpoints of size {size} with different roots")
        return size, root

    def checkpoint_now():
        r = H.get("/v1/checkpoint")
        ensure(r.status == 200, f"GET /v1/checkpoint: {r.brief()}")
        ensure(r.ctype.split(";")[0].strip() == "text/plain", f"Content-Type {r.ctype!r}")
        return note(r.body.decode("utf-8"))

    def sizes():
        """(tree_size of GET /v1/ledger, size of GET /v1/checkpoint, its root)."""
        d = ok_json(H.get("/v1/ledger"))
        size, root = checkpoint_now()
        return d["tree_size"], size, root

    def first_checkpoint():
        size, root = checkpoint_now()
        ensure(size == 1, f"size {size}")
        return f"text/plain note signed by verifier_key, size 1, root {root.hex()[:16]}..."

    C.run("GET /v1/checkpoint after init", first_checkpoint, fatal=True)

    def healthz():
        r = H.get("/healthz")
        ensure(r.status == 200, r.brief())
        return "200"

    C.run("GET /healthz", healthz)

    # ---- 2. appends ------------------------------------------------------------
    admin_id = S["info"]["admin_agency"]
    admin = S["admin"]
    cz, mz, mz2 = (Ed25519PrivateKey.generate() for _ in range(3))
    stranger = Ed25519PrivateKey.generate()  # never registered
    keys = {admin_id: {key_id(raw_pub(admin.public_key())): raw_pub(admin.public_key())}}
    lot_p, lot_c = "lot-2024-530000-sws-ops", "lot-2024-530621-sws-ops"
    station = "st-530621100-01"
    payees = [uscc("91530621MA6K3L2Q0"), uscc("52530621MJ0123456"), uscc("12530600431234567")]
    sent = {}      # seq -> envelope we signed
    receipts = {}  # seq -> first receipt
    n = [1]        # tree size the ledger must have now
    counter = [0]

    def event(etype, agency, data, eid=None, when="2024-04-01T06:00:00Z"):
        counter[0] += 1
        return {"id": eid or f"http-{counter[0]:04d}", "type": etype, "agency": agency,
                "occurred_at": when, "data": data}

    def payment(pid, amount=1_250_000, lot=lot_c, **extra):
        d = {"payment_id": pid, "allocation_id": lot, "payee_uscc": payees[0],
             "amount_fen": amount, "paid_on": "2024-04-02",
             "economic_class": "commissioned_services",
             "service_category": "social_work_services", "purpose": "elderly",
             "invoice_no": f"鲁民发票〔2024〕{pid}号"}
        d.update(extra)
        return event("payment.made", "mz-530621", d)

    def check_receipt(rc, env, seq):
        ensure(set(rc) == {"seq", "event_id", "leaf_hash", "recorded_at", "checkpoint"},
               f"receipt fields {sorted(rc)}")
        ensure(rc["seq"] == seq, f"seq {rc['seq']}, want {seq}")
        ensure(rc["event_id"] == env["event"]["id"], f"event_id {rc['event_id']}")
        ensure(re.fullmatch(HEX64, rc["leaf_hash"]), f"leaf_hash {rc['leaf_hash']!r}")
        ensure(re.fullmatch(RFC3339, rc["recorded_at"]), f"recorded_at {rc['recorded_at']!r}")
        ensure(isinstance(rc["checkpoint"], str), "checkpoint is not a string")
        size, root = note(rc["checkpoint"])
        ensure(size > seq, f"receipt checkpoint size {size} does not contain seq {seq}")
        p = ok_json(H.get(f"/v1/proofs/inclusion?seq={seq}&tree_size={size}"))
        ensure(set(p) == {"leaf_index", "tree_size", "hashes"}, f"proof fields {sorted(p)}")
        ensure(p["leaf_index"] == seq and p["tree_size"] == size, f"proof echo {p}")
        ensure(all(re.fullmatch(HEX64, h) for h in p["hashes"]), "proof hashes not hex")
        ensure(verify_inclusion(seq, size, bytes.fromhex(rc["leaf_hash"]),
                                [bytes.fromhex(h) for h in p["hashes"]], root),
               f"inclusion of {seq} in checkpoint size {size} does not verify")
        return size

    def append_one(env):
        rc = ok_json(H.post("/v1/events", body_of(env)), 201)
        seq = n[0]
        size = check_receipt(rc, env, seq)
        sent[seq], receipts[seq] = env, rc
        n[0] += 1
        return f"201 seq {seq}; checkpoint size {size} verified; inclusion proof verified"

    def appended(label, env):
        C.run(f"POST /v1/events {label}", lambda: append_one(env), fatal=True)

    def register(priv, agency, kind, code, name):
        return sign_event(admin, event("agency.registered", admin_id, {
            "agency": agency, "name": name, "kind": kind, "division_code": code,
            "public_key": b64(raw_pub(priv.public_key()))}, when="2024-01-02T01:00:00Z"))

    appended("admin registers finance agency cz-530000",
             register(cz, "cz-530000", "finance", "530000", "云南省财政厅"))
    appended("admin registers civil_affairs agency mz-530621",
             register(mz, "mz-530621", "civil_affairs", "530621", "鲁甸县民政局"))
    appended("cz budget.appropriated", sign_event(cz, event(
        "budget.appropriated", "cz-530000",
        {"allocation_id": lot_p, "fiscal_year": 2024, "fund": "lottery.provincial",
         "division_code": "530000", "program": "SWS.OPS", "amount_fen": 500_000_000,
         "doc_no": "云财社〔2024〕12号"}, when="2024-02-01T02:00:00Z")))
    appended("cz allocation.issued", sign_event(cz, event(
        "allocation.issued", "cz-530000",
        {"allocation_id": lot_c, "parent_allocation_id": lot_p, "from_code": "530000",
         "to_code": "530621", "fund": "lottery.provincial", "program": "SWS.OPS",
         "fiscal_year": 2024, "amount_fen": 120_000_000, "pass_through": False,
         "doc_no": "云财社〔2024〕27号"}, when="2024-02-15T03:00:00Z")))
    appended("mz allocation.received", sign_event(mz, event(
        "allocation.received", "mz-530621",
        {"allocation_id": lot_c, "received_on": "2024-02-20", "amount_fen": 120_000_000},
        when="2024-02-20T04:00:00Z")))

    batch = [sign_event(mz, event("station.established", "mz-530621",
                                  {"station_id": station, "name": "文屏镇社会工作站",
                                   "division_code": "530621100", "date": "2024-03-01"},
                                  when="2024-03-01T05:00:00Z"))]
    batch.append(sign_event(mz, payment("pay-b-0001", station_id=station)))  # uses item 0
    for i in range(2, 6):
        batch.append(sign_event(mz, payment(f"pay-b-{i:04d}", amount=1_000_000 + 37_019 * i)))

    def append_batch():
        r = ok_json(H.post("/v1/events:batch", body_of({"events": batch})), 201)
        ensure(set(r) == {"receipts"}, f"fields {sorted(r)}")
        ensure(len(r["receipts"]) == len(batch), f"{len(r['receipts'])} receipts")
        first = n[0]
        for k, (rc, env) in enumerate(zip(r["receipts"], batch)):
            check_receipt(rc, env, first + k)
            sent[first + k], receipts[first + k] = env, rc
        n[0] += len(batch)
        return (f"201, {len(batch)} receipts seq {first}..{n[0] - 1} in order (item 1 names the "
                f"station item 0 creates); checkpoints and inclusion proofs verified")

    C.run("POST /v1/events:batch (station + payments)", append_batch, fatal=True)

    # A second key for mz, used once, then revoked.
    appended("admin agency.key_added (second mz key)", sign_event(admin, event(
        "agency.key_added", admin_id,
        {"agency": "mz-530621", "public_key": b64(raw_pub(mz2.public_key()))})))
    appended("payment signed with the added key", sign_event(mz2, payment("pay-k2-0001")))
    seq_k2 = n[0] - 1
    appended("admin agency.key_revoked (second mz key)", sign_event(admin, event(
        "agency.key_revoked", admin_id,
        {"agency": "mz-530621", "key_id": key_id(raw_pub(mz2.public_key())),
         "reason": "rotated"})))

    def unchanged(label=""):
        led, size, root = sizes()
        ensure(led == n[0], f"{label}GET /v1/ledger tree_size {led}, want {n[0]}")
        ensure(size == n[0], f"{label}GET /v1/checkpoint size {size}, want {n[0]}")
        return size

    def ledger_now():
        size = unchanged()
        return f"GET /v1/ledger and GET /v1/checkpoint both at {size}"

    C.run("tree size after the appends", ledger_now, fatal=True)

    # ---- entries, own leaves and roots -----------------------------------------
    leaves = []

    def check_entry(seq, prev):
        d = ok_json(H.get(f"/v1/entries/{seq}", token=auditor))
        ensure(set(d) == {"seq", "entry", "leaf_hash"}, f"fields {sorted(d)}")
        ensure(d["seq"] == seq, f"seq {d['seq']}")
        e = d["entry"]
        ensure(set(e) == {"seq", "prev", "recorded_at", "event", "signature"},
               f"entry fields {sorted(e)}")
        ensure(e["seq"] == seq and e["prev"] == prev, f"entry seq/prev {e['seq']} {e['prev']}")
        lh = leaf_hash(jcs(e))
        ensure(lh.hex() == d["leaf_hash"], f"leaf_hash {d['leaf_hash']} != own {lh.hex()}")
        ev, sg = e["event"], e["signature"]
        if seq == 0:
            ensure(ev["type"] == "agency.registered" and ev["data"]["kind"] == "admin", "genesis")
            signer = unb64(ev["data"]["public_key"])
            ensure(signer == raw_pub(admin.public_key()), "genesis key is not admin.pem's")
        else:
            mine = sent[seq]
            ensure(jcs(ev) == jcs(mine["event"]) and jcs(sg) == jcs(mine["signature"]),
                   f"entry holds {ev.get('id')}, not our envelope {mine['event']['id']}")
            rc = receipts[seq]
            ensure(rc["leaf_hash"] == lh.hex(), "receipt leaf_hash differs from the entry's")
            ensure(rc["recorded_at"] == e["recorded_at"], "receipt recorded_at differs")
            signer = keys.get(ev["agency"], {}).get(sg["key_id"])
            ensure(signer is not None, f"key {sg['key_id']} not registered to {ev['agency']}")
        ensure(sg["key_id"] == key_id(signer), "key_id is not sha256(public key)[:16]")
        verify_event_sig(signer, e, ORIGIN)
        if ev["type"] in ("agency.registered", "agency.key_added"):
            pk = unb64(ev["data"]["public_key"])
            keys.setdefault(ev["data"]["agency"], {})[key_id(pk)] = pk
        leaves.append(lh)
        return lh.hex()

    def all_entries():
        prev = "0" * 64
        for seq in range(n[0]):
            try:
                prev = check_entry(seq, prev)
            except Exception as e:
                raise AssertionError(f"seq {seq}: {e}")
        return (f"{n[0]} entries: own JCS leaf = leaf_hash = receipt's, prev chain, "
                f"= our envelopes, signatures verified")

    C.run("GET /v1/entries/{seq} with the auditor token, every seq", all_entries, fatal=True)

    def roots_match():
        for size, root in sorted(cps.items()):
            ensure(mth(leaves[:size]) == root, f"checkpoint size {size} root != own MTH")
        return f"{len(cps)} checkpoint sizes {sorted(cps)}: each root = own MTH of the entries"

    C.run("every signed checkpoint root = own Merkle root", roots_match)

    def consistency():
        ss = sorted(cps)
        pairs = {(ss[0], ss[-1])} | {(a, b) for a, b in zip(ss, ss[1:])} | {(s, s) for s in ss}
        pairs |= {(1, s) for s in ss}
        for m, s in sorted(pairs):
            p = ok_json(H.get(f"/v1/proofs/consistency?first={m}&second={s}"))
            ensure(set(p) == {"first", "second", "hashes"}, f"fields {sorted(p)}")
            ensure(p["first"] == m and p["second"] == s, f"echo {p}")
            path = [bytes.fromhex(h) for h in p["hashes"]]
            ensure(verify_consistency(m, s, cps[m], cps[s], path),
                   f"consistency {m}->{s} does not verify against the checkpoints")
            if path:
                bad = path[:-1] + [bytes([path[-1][0] ^ 1]) + path[-1][1:]]
                ensure(not verify_consistency(m, s, cps[m], cps[s], bad), "flipped bit accepted")
        return f"{len(pairs)} pairs between signed checkpoints verified (flipped bits rejected)"

    C.run("GET /v1/proofs/consistency between receipts' checkpoints", consistency)

    # ---- 3. exact repeats -------------------------------------------------------
    def repeat(seq, env_body, label):
        before = n[0]
        r = H.post("/v1/events", env_body)
        rc = ok_json(r, 200)
        first = receipts[seq]
        ensure(set(rc) == set(first), f"receipt fields {sorted(rc)}")
        for k in ("seq", "event_id", "leaf_hash", "recorded_at"):
            ensure(rc[k] == first[k], f"{k} {rc[k]!r}, first receipt {first[k]!r}")
        size, _ = note(rc["checkpoint"])
        ensure(size == before, f"repeat's checkpoint size {size}, want current {before}")
        unchanged()
        return f"200, first receipt's seq {seq}/leaf_hash/recorded_at, current checkpoint; {label}"

    C.run("exact repeat -> 200 with the first receipt",
          lambda: repeat(3, body_of(sent[3]), "tree unchanged"))

    def reordered(env):  # same canonical event and signature, other key order and spacing
        def rev(v):
            if isinstance(v, dict):
                return {k: rev(v[k]) for k in reversed(list(v))}
            return [rev(x) for x in v] if isinstance(v, list) else v
        return json.dumps(rev(env), ensure_ascii=True, indent=2).encode("utf-8")

    C.run("exact repeat with other key order/whitespace -> 200 with the first receipt",
          lambda: repeat(6, reordered(sent[6]), "tree unchanged"))
    C.run("exact repeat of an envelope whose key was revoked since -> 200",
          lambda: repeat(seq_k2, body_of(sent[seq_k2]), "revocation does not matter (API.md)"))

    # ---- bad requests ------------------------------------------------------------
    def refused(resp, status, code, field=None):
        p = problem(resp, status, code)
        if field is not None:
            ensure(p.get("field") == field, f"field {p.get('field')!r}, want {field!r}")
        unchanged()
        extra = f", field {p['field']}" if "field" in p else ""
        return f"{status} {code}{extra}; tree size still {n[0]} (ledger and checkpoint)"

    def bad_event(label, status, code, body, field=None, ctype="application/json"):
        C.run(f"{label} -> {status} {code}",
              lambda: refused(H.post("/v1/events", body, ctype=ctype), status, code, field))

    def signed_body(priv, ev):
        return body_of(sign_event(priv, ev))

    def raw_with(env, old, new):
        """Envelope text with one substring replaced (for what json.dumps cannot write)."""
        text = body_of(env).decode("utf-8")
        ensure(text.count(old) == 1, f"{old!r} not once in the envelope")
        return text.replace(old, new, 1).encode("utf-8")

    good = sign_event(mz, payment("pay-bad-0001", amount=777))

    bad_event("truncated JSON", 400, "malformed_json", body_of(good)[:-7])
    bad_event("invalid UTF-8 in a string", 400, "malformed_json",
              body_of(good).replace(b'"elderly"', b'"eld\xffrly"'))
    bad_event("duplicate key in data", 400, "duplicate_key",
              raw_with(good, '"amount_fen":777', '"amount_fen":777,"amount_fen":777'))
    bad_event("fraction in amount_fen", 400, "non_integer_number",
              raw_with(good, '"amount_fen":777', '"amount_fen":777.5'))
    bad_event("exponent in amount_fen", 400, "non_integer_number",
              raw_with(good, '"amount_fen":777', '"amount_fen":7E2'))

    def nested(k):
        v = []
        for _ in range(k - 1):
            v = [v]
        return v

    # Depth within `event` (root 1): data is 2, so k nested arrays in purpose reach 2 + k.
    deep33 = payment("pay-deep-33")
    deep33["data"]["purpose"] = nested(31)
    deep32 = payment("pay-deep-32")
    deep32["data"]["purpose"] = nested(30)
    bad_event("nesting depth 33 within event", 400, "too_deep", signed_body(mz, deep33))
    bad_event("nesting depth 32 within event is not too deep (purpose not a string)", 400,
              "invalid_field", signed_body(mz, deep32), field="/event/data/purpose")

    ev = payment("pay-bad-uscc")
    ev["data"]["payee_uscc"] = payees[0][:17] + ("0" if payees[0][17] != "0" else "1")
    bad_event("USCC with a wrong check character", 400, "invalid_field", signed_body(mz, ev),
              field="/event/data/payee_uscc")
    ev = payment("pay-bad-amount", amount=0)
    bad_event("amount_fen 0", 400, "invalid_field", signed_body(mz, ev),
              field="/event/data/amount_fen")
    ev = payment("pay-bad-unknown")
    ev["data"]["amount_yuan"] = 7
    bad_event("unknown field in data", 400, "unknown_field", signed_body(mz, ev),
              field="/event/data/amount_yuan")
    env = sign_event(mz, payment("pay-bad-unknown-env"))
    env["note"] = "x"
    bad_event("unknown field in the envelope", 400, "unknown_field", body_of(env), field="/note")
    ev = payment("pay-bad-missing")
    del ev["data"]["invoice_no"]
    bad_event("missing data.invoice_no", 400, "missing_field", signed_body(mz, ev),
              field="/event/data/invoice_no")
    ev = payment("pay-bad-type")
    ev["type"] = "payment.teleported"
    bad_event("unknown event type", 400, "unknown_event_type", signed_body(mz, ev))

    env = sign_event(mz, payment("pay-bad-sig", amount=100))
    env["event"]["data"]["amount_fen"] = 10_000_000
    bad_event("envelope changed after signing", 401, "bad_signature", body_of(env))
    bad_event("signature by an unregistered key", 401, "unknown_key",
              signed_body(stranger, payment("pay-bad-stranger")))
    bad_event("signature by a revoked key", 401, "key_revoked",
              signed_body(mz2, payment("pay-bad-revoked")))

    bad_event("civil_affairs submits agency.registered", 403, "forbidden_event_type",
              signed_body(mz, event("agency.registered", "mz-530621", {
                  "agency": "mz-evil", "name": "x", "kind": "admin", "division_code": "530621",
                  "public_key": b64(raw_pub(stranger.public_key()))})))
    bad_event("finance submits station.established", 403, "forbidden_event_type",
              signed_body(cz, event("station.established", "cz-530000", {
                  "station_id": "st-530000100-09", "name": "x", "division_code": "530000100",
                  "date": "2024-03-01"})))
    bad_event("mz-530621 writes for division 530700", 403, "out_of_scope",
              signed_body(mz, event("station.established", "mz-530621", {
                  "station_id": "st-530700100-01", "name": "x", "division_code": "530700100",
                  "date": "2024-03-01"})))

    conflict = dict(sent[3]["event"], occurred_at="2024-02-01T02:00:01Z")
    bad_event("same id, other content", 409, "event_id_conflict", signed_body(cz, conflict),
              field="/event/id")

    ev = payment("pay-big")
    ev["data"]["purpose"] = "p" * 61_000
    bad_event("canonical event over 60,000 bytes", 413, "payload_too_large", signed_body(mz, ev))

    bad_event("Content-Type text/plain", 415, "unsupported_media_type",
              body_of(sign_event(mz, payment("pay-bad-ctype"))), ctype="text/plain")

    bad_event("payment from an unknown allocation_id", 422, "unknown_reference",
              signed_body(mz, payment("pay-bad-ref", lot="lot-nowhere")),
              field="/event/data/allocation_id")
    bad_event("payment naming an unknown station", 422, "unknown_reference",
              signed_body(mz, payment("pay-bad-station", station_id="st-530621100-99")),
              field="/event/data/station_id")

    # Several faults: the first of size, syntax, schema, repeat, id reuse, signature,
    # authorization, references is reported (API.md).
    env = sign_event(cz, conflict)
    env["signature"]["sig"] = b64(bytes(64))
    bad_event("order: id reuse before signature", 409, "event_id_conflict", body_of(env))
    bad_event("order: signature before authorization", 401, "unknown_key",
              signed_body(stranger, event("station.established", "mz-530621", {
                  "station_id": "st-530700100-02", "name": "x", "division_code": "530700100",
                  "date": "2024-03-01"})))
    bad_event("order: authorization (cz-530000 issues from 520000) before references", 403,
              "out_of_scope",
              signed_body(cz, event("allocation.issued", "cz-530000", {
                  "allocation_id": "lot-x", "parent_allocation_id": "lot-nowhere",
                  "from_code": "520000", "to_code": "520100", "fund": "lottery.provincial",
                  "program": "SWS.OPS", "fiscal_year": 2024, "amount_fen": 1,
                  "pass_through": False, "doc_no": "x"})))

    # Reads
    def bad_get(label, path, status, code, token=None):
        C.run(f"{label} -> {status} {code}",
              lambda: refused(H.get(path, token=token), status, code))

    bad_get("GET /v1/entries/1 without a token", "/v1/entries/1", 401, "unauthenticated")
    bad_get("GET /v1/entries/1 with an unknown token", "/v1/entries/1", 401, "unauthenticated",
            token="flt_" + "0" * 64)
    bad_get("GET /v1/entries/3 (division 530000) with a 530700 token", "/v1/entries/3", 403,
            "out_of_scope", token=S["tokens"]["auditor_530700"])
    bad_get("GET /v1/entries/{tree_size}", f"/v1/entries/{n[0]}", 404, "not_found",
            token=auditor)
    bad_get("GET /v1/entries/999999", "/v1/entries/999999", 404, "not_found", token=auditor)
    bad_get("inclusion proof with tree_size past the tree",
            f"/v1/proofs/inclusion?seq=0&tree_size={n[0] + 1}", 422, "tree_size_out_of_range")
    bad_get("consistency proof with second past the tree",
            f"/v1/proofs/consistency?first=1&second={n[0] + 1}", 422, "tree_size_out_of_range")

    # ---- refused batches ----------------------------------------------------------
    def bad_batch(body, status, code, want_errors=None):
        p = problem(H.post("/v1/events:batch", body), status, code)
        if want_errors is not None:
            errs = p.get("errors")
            ensure(isinstance(errs, list), f"no errors list: {p}")
            got = [(e.get("index"), e.get("status"), e.get("code")) for e in errs]
            ensure(got == want_errors, f"errors {got}, want {want_errors}")
            for e in errs:
                ensure(isinstance(e.get("detail"), str), f"error without detail: {e}")
        unchanged()
        what = f"errors {[(i, c) for i, _, c in want_errors]}" if want_errors else code
        return f"{status} {what}; tree size still {n[0]}"

    ok_a = sign_event(mz, payment("pay-bb-0001"))
    ok_b = sign_event(mz, payment("pay-bb-0002"))
    ev = payment("pay-bb-unknown")
    ev["data"]["amount_yuan"] = 1
    bad_unknown = sign_event(mz, ev)
    bad_sig = sign_event(mz, payment("pay-bb-sig", amount=5))
    bad_sig["event"]["data"]["amount_fen"] = 6
    bad_ref = sign_event(mz, payment("pay-bb-ref", lot="lot-nowhere"))

    C.run("batch [ok, unknown_field, ok, bad_signature] -> 400, errors at 1 and 3", lambda: bad_batch(
        body_of({"events": [ok_a, bad_unknown, ok_b, bad_sig]}), 400, "unknown_field",
        [(1, 400, "unknown_field"), (3, 401, "bad_signature")]))
    C.run("batch [ok, unknown_reference, unknown_field] -> 422 (first bad item)", lambda: bad_batch(
        body_of({"events": [ok_a, bad_ref, bad_unknown]}), 422, "unknown_reference",
        [(1, 422, "unknown_reference"), (2, 400, "unknown_field")]))
    C.run("empty batch -> 400 invalid_field",
          lambda: bad_batch(body_of({"events": []}), 400, "invalid_field"))
    many = [sign_event(mz, payment(f"pay-many-{i:04d}")) for i in range(1001)]
    C.run("batch of 1001 items -> 413 payload_too_large",
          lambda: bad_batch(body_of({"events": many}), 413, "payload_too_large"))
    fat = []
    for i in range(20):
        ev = payment(f"pay-fat-{i:04d}")
        ev["data"]["purpose"] = "p" * 55_000
        fat.append(sign_event(mz, ev))

    def fat_batch():
        body = body_of({"events": fat})
        ensure(len(body) > 1 << 20, "test body not over 1 MiB")
        return bad_batch(body, 413, "payload_too_large") + f" ({len(body)} bytes)"

    C.run("batch body over 1 MiB (each event under 60,000) -> 413 payload_too_large", fat_batch)

    def batch_items_not_kept():
        rc = ok_json(H.post("/v1/events", body_of(ok_a)), 201)
        size = check_receipt(rc, ok_a, n[0])
        sent[n[0]], receipts[n[0]] = ok_a, rc
        n[0] += 1
        unchanged()
        return f"its good item now appends as new: 201 seq {rc['seq']} (checkpoint {size})"

    C.run("refused batches stored nothing", batch_items_not_kept)


if __name__ == "__main__":
    sys.exit(main())
