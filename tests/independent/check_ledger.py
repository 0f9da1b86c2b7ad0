#!/usr/bin/python3
"""Independent client for fundledger, written from the spec alone.

Reads only ../shared/spec (LEDGER.md, EVENTS.md, API.md) and the external test
vectors; uses the Python standard library and the `cryptography` package, no code
of the C++ project. It signs envelopes itself, imports them with the binary, and
re-checks every entry, the Merkle tree, the proofs and the signed checkpoint.
The spec algorithms (JCS, Merkle, signed notes, envelopes, USCC) are in speccheck.py,
shared with check_http.py.

  /usr/bin/python3 check_ledger.py --fundledger BUILD/fundledger --workdir DIR

Prints one line per check and ends with `N passed, M failed`; exit 0 only if M == 0.
"""

import argparse
import json
import os
import re
import stat
import subprocess
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import speccheck  # noqa: E402
from speccheck import (  # noqa: E402
    DEFAULT_VECTORS, Checks, Fatal, b64, ensure, jcs, key_id, leaf_hash, mth, one_line,
    parse_verifier_key, prepare_workdir, raw_pub, run_selftests, strict_json,
    unb64, uscc, verify_checkpoint, verify_consistency, verify_event_sig, verify_inclusion)

WORKDIR_MARKER = ".check_ledger_workdir"
LEDGER_NAME = "indep.test"
ORIGIN = "fundledger/" + LEDGER_NAME


def sign_event(priv, event):
    """Every event this script signs is for its own ledger (LEDGER.md 2)."""
    return speccheck.sign_event(priv, event, ORIGIN)


# ---------------------------------------------------------------------------
# Running the binary

class Binary:
    def __init__(self, path, data_dir):
        self.path = path
        self.data = data_dir

    def run(self, *args):
        p = subprocess.run([self.path, *args], capture_output=True, timeout=300)
        return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')

    def ok_json(self, *args):
        rc, out, err = self.run(*args)
        ensure(rc == 0, f"`fundledger {' '.join(args)}` exit {rc}: {err.strip()}")
        return strict_json(out)

    def checkpoint(self):
        rc, out, err = self.run("checkpoint", "--data", self.data)
        ensure(rc == 0, f"`fundledger checkpoint` exit {rc}: {err.strip()}")
        return out


# ---------------------------------------------------------------------------
# Checkpoints through the command line

def tree_size(fl, name, khash, pub):
    return verify_checkpoint(fl.checkpoint(), name, khash, pub)[1]


# ---------------------------------------------------------------------------
# The events this client signs

def build_events(admin_id, admin_priv, cz_priv, mz_priv):
    """About 30 envelopes: two agencies, a lot issued down, stations, payments."""
    lot_p = "lot-2024-530000-sws-ops"
    lot_c = "lot-2024-530621-sws-ops"
    plan = []  # (signing key, event)

    def ev(priv, eid, etype, agency, when, data):
        plan.append((priv, {"id": eid, "type": etype, "agency": agency,
                            "occurred_at": when, "data": data}))

    ev(admin_priv, "indep-agency-cz-530000", "agency.registered", admin_id, "2024-01-02T01:00:00Z",
       {"agency": "cz-530000", "name": "云南省财政厅", "kind": "finance",
        "division_code": "530000", "public_key": b64(raw_pub(cz_priv.public_key()))})
    ev(admin_priv, "indep-agency-mz-530621", "agency.registered", admin_id, "2024-01-02T01:05:00Z",
       {"agency": "mz-530621", "name": "鲁甸县民政局", "kind": "civil_affairs",
        "division_code": "530621", "public_key": b64(raw_pub(mz_priv.public_key()))})
    ev(cz_priv, "indep-budget-2024-01", "budget.appropriated", "cz-530000", "2024-02-01T02:00:00Z",
       {"allocation_id": lot_p, "fiscal_year": 2024, "fund": "lottery.provincial",
        "division_code": "530000", "program": "SWS.OPS", "amount_fen": 500_000_000,
        "doc_no": "云财社〔2024〕12号"})
    ev(cz_priv, "indep-alloc-2024-01", "allocation.issued", "cz-530000", "2024-02-15T03:00:00Z",
       {"allocation_id": lot_c, "parent_allocation_id": lot_p, "from_code": "530000",
        "to_code": "530621", "fund": "lottery.provincial", "program": "SWS.OPS",
        "fiscal_year": 2024, "amount_fen": 120_000_000, "pass_through": False,
        "doc_no": "云财社〔2024〕27号"})
    ev(mz_priv, "indep-recv-2024-01", "allocation.received", "mz-530621", "2024-02-20T04:00:00Z",
       {"allocation_id": lot_c, "received_on": "2024-02-20", "amount_fen": 120_000_000})
    stations = [("st-530621100-01", "文屏镇社会工作站", "530621100"),
                ("st-530621101-01", "龙头山镇社会工作站", "530621101")]
    for i, (sid, sname, code) in enumerate(stations):
        ev(mz_priv, f"indep-station-{i + 1:02d}", "station.established", "mz-530621",
           f"2024-03-0{i + 1}T05:00:00Z",
           {"station_id": sid, "name": sname, "division_code": code, "date": f"2024-03-0{i + 1}"})
    payees = [uscc("91530621MA6K3L2Q0"), uscc("52530621MJ0123456"), uscc("12530600431234567")]
    for i in range(23):
        day = 1 + i
        data = {"payment_id": f"pay-2024-{i + 1:04d}", "allocation_id": lot_c,
                "payee_uscc": payees[i % 3], "amount_fen": 1_250_000 + 37_019 * i,
                "paid_on": f"2024-04-{day:02d}", "economic_class": "commissioned_services",
                "service_category": "social_work_services", "purpose": "elderly",
                "invoice_no": f"鲁民发票〔2024〕{i + 1}号"}
        if i % 2 == 0:
            data["station_id"] = stations[i % 4 // 2][0]
        ev(mz_priv, f"indep-pay-2024-{i + 1:04d}", "payment.made", "mz-530621",
           f"2024-04-{day:02d}T06:{i:02d}:00Z", data)
    return [sign_event(priv, e) for priv, e in plan], lot_c, payees


def write_jsonl(path, envelopes):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for env in envelopes:
            f.write(json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n")


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
    data_dir = os.path.join(workdir, "ledger")
    fl = Binary(os.path.abspath(args.fundledger), data_dir)
    C = Checks()
    S = {}  # state shared between checks

    try:
        run_all(C, S, fl, data_dir, workdir, args.vectors)
    except Fatal as f:
        print(f"stopping: later checks need `{f}`", flush=True)
    return C.summary()


def run_all(C, S, fl, data_dir, workdir, vectors):
    # ---- self-tests of this checker ----------------------------------------
    run_selftests(C, vectors)

    # ---- 1. init and PKCS#8 interop -----------------------------------------
    def init():
        info = fl.ok_json("init", "--data", data_dir, "--name", LEDGER_NAME)
        for k in ("name", "origin", "verifier_key", "admin_agency", "admin_key_file"):
            ensure(k in info, f"init output lacks {k}: {info}")
        ensure(info["name"] == LEDGER_NAME, f"name {info['name']}")
        ensure(info["origin"] == "fundledger/" + LEDGER_NAME, f"origin {info['origin']}")
        S["info"] = info
        S["vk"] = parse_verifier_key(info["verifier_key"])
        ensure(S["vk"][0] == info["origin"], "key name differs from origin")
        return f"origin {info['origin']}, admin agency {info['admin_agency']}"

    C.run("init creates the ledger and prints its identity", init, fatal=True)

    def pkcs8():
        info = S["info"]
        admin_pem = os.path.join(data_dir, "admin.pem")
        ensure(os.path.abspath(info["admin_key_file"]) == admin_pem,
               f"admin_key_file {info['admin_key_file']}")
        modes = {}
        for fname in ("admin.pem", "ledger.pem"):
            p = os.path.join(data_dir, fname)
            modes[fname] = stat.S_IMODE(os.stat(p).st_mode)
            ensure(modes[fname] == 0o600, f"{fname} mode {oct(modes[fname])}, want 0600")
        with open(admin_pem, "rb") as f:
            admin = serialization.load_pem_private_key(f.read(), password=None)
        ensure(isinstance(admin, Ed25519PrivateKey), "admin.pem is not an Ed25519 key")
        with open(os.path.join(data_dir, "ledger.pem"), "rb") as f:
            lk = serialization.load_pem_private_key(f.read(), password=None)
        ensure(isinstance(lk, Ed25519PrivateKey), "ledger.pem is not an Ed25519 key")
        ensure(raw_pub(lk.public_key()) == S["vk"][2], "ledger.pem is not the verifier key")
        S["admin_priv"] = admin
        return "admin.pem and ledger.pem load as PKCS#8 Ed25519 (mode 0600); ledger.pem matches verifier_key"

    C.run("PKCS#8 key files readable by cryptography", pkcs8, fatal=True)

    name, khash, lpub = S["vk"]
    size0 = [0]

    def first_checkpoint():
        origin, size, root = verify_checkpoint(fl.checkpoint(), name, khash, lpub)
        ensure(origin == S["info"]["origin"], f"origin {origin}")
        ensure(size == 1, f"tree size {size} after init, want 1 (genesis)")
        size0[0] = size
        return "size 1 checkpoint signed by the verifier key"

    C.run("checkpoint after init", first_checkpoint)

    # ---- 3. sign our own events and import them ------------------------------
    cz_priv, mz_priv = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    S["keys"] = {"cz-530000": raw_pub(cz_priv.public_key()),
                 "mz-530621": raw_pub(mz_priv.public_key())}
    envs, lot_c, payees = build_events(S["info"]["admin_agency"], S["admin_priv"], cz_priv, mz_priv)
    S["envs"] = envs

    def do_import():
        path = os.path.join(workdir, "events.jsonl")
        write_jsonl(path, envs)
        rc, out, err = fl.run("import", "--data", data_dir, path)
        ensure(rc == 0, f"import exit {rc}: {err.strip()}")
        size = tree_size(fl, name, khash, lpub)
        ensure(size == 1 + len(envs), f"tree size {size}, want {1 + len(envs)}")
        return f"{len(envs)} self-signed envelopes accepted, tree size {size}"

    C.run("import of envelopes signed by this client", do_import, fatal=True)
    n_total = 1 + len(envs)

    # ---- 4. negative cases ---------------------------------------------------
    def refused(label, envelope, code):
        path = os.path.join(workdir, f"{label}.jsonl")
        write_jsonl(path, [envelope])
        rc, out, err = fl.run("import", "--data", data_dir, path)
        ensure(rc != 0, f"import of {label} exited 0")
        ensure(code in err, f"stderr does not name {code}: {err.strip()!r}")
        size = tree_size(fl, name, khash, lpub)
        ensure(size == n_total, f"tree size changed to {size}")
        return f"exit {rc}, stderr: {one_line(err)[:160]}; tree size still {size}"

    def tampered():
        env = sign_event(mz_priv, {
            "id": "indep-pay-tampered", "type": "payment.made", "agency": "mz-530621",
            "occurred_at": "2024-05-01T06:00:00Z",
            "data": {"payment_id": "pay-2024-tampered", "allocation_id": lot_c,
                     "payee_uscc": payees[0], "amount_fen": 100, "paid_on": "2024-05-01",
                     "economic_class": "commissioned_services",
                     "service_category": "social_work_services", "purpose": "elderly",
                     "invoice_no": "T-1"}})
        env["event"]["data"]["amount_fen"] = 10_000_000  # changed after signing
        return refused("tampered", env, "bad_signature")

    C.run("envelope changed after signing is refused (bad_signature)", tampered)

    def conflict():
        ev = dict(envs[5]["event"])
        ev["occurred_at"] = "2024-03-09T09:09:09Z"  # same id, other content, valid signature
        return refused("conflict", sign_event(mz_priv, ev), "event_id_conflict")

    C.run("same id with different content is refused (event_id_conflict)", conflict)

    def repeat():
        path = os.path.join(workdir, "repeat.jsonl")
        write_jsonl(path, [envs[5], envs[-1]])
        rc, out, err = fl.run("import", "--data", data_dir, path)
        ensure(rc == 0, f"import of exact repeats exit {rc}: {err.strip()}")
        size = tree_size(fl, name, khash, lpub)
        ensure(size == n_total, f"tree size changed to {size}")
        return f"exit 0, tree size still {size}"

    C.run("exact repeat of an envelope is idempotent", repeat)

    # ---- 5. the binary's own verification ------------------------------------
    def verify():
        rc, out, err = fl.run("verify", "--data", data_dir, "--signatures")
        ensure(rc == 0, f"verify exit {rc}: {(out + err).strip()}")
        return "exit 0"

    C.run("fundledger verify --signatures", verify)

    # ---- 6. independent verification of entries ------------------------------
    by_id = {e["event"]["id"]: e for e in envs}
    keys = {}      # agency -> {key_id: raw public key}
    leaves = []
    prev = ["0" * 64]

    def check_entry(i):
        out = fl.ok_json("entry", "--data", data_dir, "--seq", str(i))
        ensure(set(out) == {"seq", "entry", "leaf_hash"}, f"fields {sorted(out)}")
        ensure(out["seq"] == i, f"seq {out['seq']}")
        entry = out["entry"]
        ensure(set(entry) == {"seq", "prev", "recorded_at", "event", "signature"},
               f"entry fields {sorted(entry)}")
        ensure(entry["seq"] == i, f"entry.seq {entry['seq']}")
        ensure(entry["prev"] == prev[0], f"prev {entry['prev']} != {prev[0]}")
        ensure(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["recorded_at"]),
               f"recorded_at {entry['recorded_at']!r}")
        eb = jcs(entry)
        ensure(len(eb) <= 65535, "entry over 65,535 bytes")
        lh = leaf_hash(eb)
        ensure(lh.hex() == out["leaf_hash"], f"leaf_hash {out['leaf_hash']} != own {lh.hex()}")
        ev, sg = entry["event"], entry["signature"]
        ensure(set(sg) == {"alg", "key_id", "sig"} and sg["alg"] == "Ed25519", f"signature {sg}")
        ensure(len(sg["sig"]) == 88, "sig is not 88 base64 chars")
        if i == 0:  # genesis: the admin's agency.registered, signed by its own key
            d = ev["data"]
            ensure(ev["type"] == "agency.registered" and d["kind"] == "admin", "genesis type/kind")
            ensure(ev["agency"] == d["agency"] == S["info"]["admin_agency"], "genesis agency")
            pk = unb64(d["public_key"])
            ensure(pk == raw_pub(S["admin_priv"].public_key()), "genesis key is not admin.pem")
            signer = pk
            what = "genesis, self-signed by admin.pem's key"
        else:
            mine = envs[i - 1]
            ensure(jcs(ev) == jcs(mine["event"]) and jcs(sg) == jcs(mine["signature"]),
                   f"entry holds {ev.get('id')}, not the envelope we signed ({mine['event']['id']})")
            signer = keys.get(ev["agency"], {}).get(sg["key_id"])
            ensure(signer is not None, f"key {sg['key_id']} not registered to {ev['agency']}")
            what = f"{ev['type']} {ev['id']} = our envelope"
        ensure(sg["key_id"] == key_id(signer), "key_id is not sha256(public key)[:16]")
        verify_event_sig(signer, entry, ORIGIN)
        if ev["type"] == "agency.registered":  # keys take effect at their seq
            pk = unb64(ev["data"]["public_key"])
            ensure(len(pk) == 32, "public_key not 32 bytes")
            if ev["data"]["agency"] in S["keys"]:
                ensure(pk == S["keys"][ev["data"]["agency"]], "registered key differs from ours")
            keys.setdefault(ev["data"]["agency"], {})[key_id(pk)] = pk
        leaves.append(lh)
        prev[0] = lh.hex()
        return what + ", leaf/prev/signature ok"

    for i in range(n_total):
        if not C.run(f"entry seq {i}", lambda i=i: check_entry(i)):
            raise Fatal(f"entry seq {i}")

    def past_end():
        rc, out, err = fl.run("entry", "--data", data_dir, "--seq", str(n_total))
        ensure(rc != 0, f"entry --seq {n_total} exit 0: {out.strip()[:100]}")
        return f"entry --seq {n_total} exit {rc}: {err.strip()[:80]}"

    C.run("no entry past the end (refused tampered/conflicting events left no trace)", past_end)

    # ---- own roots and the signed checkpoint ---------------------------------
    roots = [mth(leaves[:n]) for n in range(n_total + 1)]

    def checkpoint():
        origin, size, root = verify_checkpoint(fl.checkpoint(), name, khash, lpub)
        ensure(origin == S["info"]["origin"], f"origin {origin}")
        ensure(size == n_total, f"checkpoint size {size}, want {n_total}")
        ensure(root == roots[n_total], f"checkpoint root {root.hex()} != own {roots[n_total].hex()}")
        return f"signed note verified; size {size}, root {root.hex()[:16]}... = own MTH"

    C.run("signed checkpoint matches own Merkle root", checkpoint)

    def checkpoint_rejects_forgery():
        note = fl.checkpoint()
        lines = note.split("\n")
        lines[1] = str(int(lines[1]) + 1)
        try:
            verify_checkpoint("\n".join(lines), name, khash, lpub)
        except (InvalidSignature, AssertionError):
            return "note with altered size fails own signature check"
        raise AssertionError("altered checkpoint verified")

    C.run("sanity: altered checkpoint fails own verifier", checkpoint_rejects_forgery)

    # ---- inclusion proofs ----------------------------------------------------
    def proof_hashes(out):
        return [bytes.fromhex(h) for h in out["hashes"]]

    inc = {}

    def inclusion():
        sizes = sorted({1, 2, 3, 4, 5, 7, 8, 9, 16, 17, n_total - 1, n_total})
        count = 0
        for s in sizes:
            for i in sorted({0, 1, s // 2, s - 2, s - 1}):
                if not 0 <= i < s:
                    continue
                out = fl.ok_json("proof", "inclusion", "--data", data_dir,
                                 "--seq", str(i), "--tree-size", str(s))
                ensure(out["leaf_index"] == i and out["tree_size"] == s, f"echo {out}")
                ensure(all(re.fullmatch(r"[0-9a-f]{64}", h) for h in out["hashes"]), "hex")
                ensure(verify_inclusion(i, s, leaves[i], proof_hashes(out), roots[s]),
                       f"inclusion of {i} in {s} does not verify: {out['hashes']}")
                inc[(i, s)] = proof_hashes(out)
                count += 1
        return f"{count} proofs (leaf, size) verified against own roots"

    C.run("inclusion proofs", inclusion)

    def inclusion_out_of_range():
        rc, out, err = fl.run("proof", "inclusion", "--data", data_dir,
                              "--seq", "0", "--tree-size", str(n_total + 1))
        ensure(rc != 0, f"proof past the tree exit 0: {out.strip()[:100]}")
        return f"--tree-size {n_total + 1} refused, exit {rc}: {err.strip()[:80]}"

    C.run("inclusion proof past the tree is refused", inclusion_out_of_range)

    # ---- consistency proofs --------------------------------------------------
    cons = {}

    def consistency():
        pairs = set()
        for m in range(1, n_total + 1):
            pairs.update({(m, m), (m, n_total)})
            if m < n_total:
                pairs.add((m, m + 1))
        for s in range(1, n_total + 1):
            pairs.add((1, s))
        pairs.update({(3, 7), (4, 8), (5, 16), (6, 17), (8, 9), (15, 16), (16, 31)})
        pairs = sorted(p for p in pairs if p[1] <= n_total)
        for m, s in pairs:
            out = fl.ok_json("proof", "consistency", "--data", data_dir,
                             "--first", str(m), "--second", str(s))
            ensure(out["first"] == m and out["second"] == s, f"echo {out}")
            ensure(all(re.fullmatch(r"[0-9a-f]{64}", h) for h in out["hashes"]), "hex")
            ensure(verify_consistency(m, s, roots[m], roots[s], proof_hashes(out)),
                   f"consistency {m}->{s} does not verify: {out['hashes']}")
            cons[(m, s)] = proof_hashes(out)
        same = sum(1 for m, s in pairs if m == s)
        return f"{len(pairs)} (first, second) pairs verified ({same} with first == second)"

    C.run("consistency proofs", consistency)

    # ---- the checker can fail ------------------------------------------------
    def tampered_proofs():
        n = 0
        for (i, s), path in inc.items():
            for k in range(len(path)):
                bad = list(path)
                bad[k] = bytes([bad[k][0] ^ 0x01]) + bad[k][1:]
                ensure(not verify_inclusion(i, s, leaves[i], bad, roots[s]),
                       f"flipped bit in inclusion {i}/{s} accepted")
                n += 1
        for (m, s), path in cons.items():
            if path:
                bad = list(path)
                bad[-1] = bad[-1][:31] + bytes([bad[-1][31] ^ 0x80])
                ensure(not verify_consistency(m, s, roots[m], roots[s], bad),
                       f"flipped bit in consistency {m}/{s} accepted")
                n += 1
        ensure(n > 0, "no proofs to tamper with")
        return f"{n} proofs with one flipped bit all rejected"

    C.run("sanity: proofs with a flipped bit fail own verifier", tampered_proofs)


if __name__ == "__main__":
    sys.exit(main())
