#!/usr/bin/python3
"""Independent check of `fundledger tiles` output, from the C2SP texts alone.

Written from c2sp.org/tlog-tiles (paths, hash tiles, entry bundles),
c2sp.org/tlog-checkpoint and c2sp.org/signed-note (the checkpoint), RFC 6962 /
RFC 9162 (Merkle hashing, inclusion proofs) and RFC 8032 (Ed25519, verified
here in pure Python). Python standard library only; no code of the C++ project.

  /usr/bin/python3 check_tiles.py --fundledger BUILD/fundledger --workdir DIR
      builds a ledger of a few hundred entries with the binary, writes its
      tiles, then checks them (and that a changed tile is caught);
  /usr/bin/python3 check_tiles.py --tiles SITE --verifier-key VKEY
      checks an existing tiles directory.

Prints one line per check and ends with `N passed, M failed`; exit 0 only if M == 0.
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys

# --- RFC 8032 section 5.1 / 6: Ed25519 verification ---------------------------
P = 2**255 - 19
Q = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _add(a, b):
    A = (a[1] - a[0]) * (b[1] - b[0]) % P
    B = (a[1] + a[0]) * (b[1] + b[0]) % P
    C = 2 * a[3] * b[3] * D % P
    Dd = 2 * a[2] * b[2] % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def _mul(s, pt):
    acc = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        s >>= 1
    return acc


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)


def _decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


def ed25519_verify(public, msg, sig):
    if len(sig) != 64:
        return False
    A = _decompress(public)
    R = _decompress(sig[:32])
    if A is None or R is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= Q:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + public + msg).digest(), "little") % Q
    return _equal(_mul(s, G), _add(R, _mul(h, A)))


# --- c2sp.org/signed-note and tlog-checkpoint --------------------------------
def parse_verifier_key(vkey):
    name, key_hash, key = vkey.split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if raw[0] != 0x01 or len(raw) != 33:
        raise ValueError("not an Ed25519 verifier key")
    want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if bytes.fromhex(key_hash) != want:
        raise ValueError("verifier key hash does not match its key")
    return name, want, raw[1:]


def open_checkpoint(note, vkey):
    """The (origin, size, root) of a note signed by vkey, or an exception."""
    name, key_hash, public = parse_verifier_key(vkey)
    text = note.decode("utf-8")
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise ValueError("no blank line between body and signatures")
    body += "\n"
    ok = False
    for line in sigs.splitlines():
        if not line.startswith("\u2014 "):
            raise ValueError("signature line does not start with an em dash")
        sig_name, _, b64 = line[2:].partition(" ")
        blob = base64.b64decode(b64, validate=True)
        if sig_name == name and blob[:4] == key_hash:
            ok = ed25519_verify(public, body.encode(), blob[4:]) or ok
    if not ok:
        raise ValueError("no valid signature by " + name)
    lines = body.split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    if origin != name:
        raise ValueError("origin %r is not the key's name %r" % (origin, name))
    if len(root) != 32 or str(size) != lines[1]:
        raise ValueError("malformed checkpoint body")
    return origin, size, root


# --- RFC 6962 / 9162 ----------------------------------------------------------
def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 6962 2.1 MTH, by its recursive definition."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """RFC 6962 2.1.1 PATH(m, D[n])."""
    n = len(leaves)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- c2sp.org/tlog-tiles ------------------------------------------------------
def tile_index(n):
    """N as 3-digit path elements, all but the last prefixed with x."""
    parts = []
    while True:
        parts.append("%03d" % (n % 1000))
        n //= 1000
        if n == 0:
            break
    parts.reverse()
    return "/".join(["x" + p for p in parts[:-1]] + [parts[-1]])


def tile_path(level, n, width):
    p = "tile/%s/%s" % (level, tile_index(n))
    return p if width == 256 else p + ".p/%d" % width


class Tiles:
    def __init__(self, site, size):
        self.site, self.size, self.cache = site, size, {}

    def read(self, rel):
        with open(os.path.join(self.site, rel), "rb") as f:
            return f.read()

    def hashes(self, level, n):
        """The hash tile at `level`, index n, at the width the tree has."""
        nodes = self.size >> (8 * level)
        width = min(256, nodes - n * 256)
        key = (level, n)
        if key not in self.cache:
            data = self.read(tile_path(level, n, width))
            if len(data) != 32 * width:
                raise ValueError("%s holds %d bytes" % (tile_path(level, n, width), len(data)))
            self.cache[key] = [data[i:i + 32] for i in range(0, len(data), 32)]
        return self.cache[key]

    def node(self, level, index):
        """Root of the complete subtree at tree level `level`, index `index`,
        from the hash tile at level//8, hashing up level%8 times."""
        tl, r = level // 8, level % 8
        first = index << r
        row = []
        for i in range(first, first + (1 << r)):
            row.append(self.hashes(tl, i // 256)[i % 256])
        while len(row) > 1:
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        return row[0]

    def root(self):
        """The complete subtrees of the binary decomposition of size, left to
        right, folded from the right (RFC 6962's MTH of the whole tree)."""
        peaks, start = [], 0
        for level in range(63, -1, -1):
            if self.size >> level & 1:
                peaks.append(self.node(level, start >> level))
                start += 1 << level
        if not peaks:
            return hashlib.sha256(b"").digest()
        r = peaks[-1]
        for p in reversed(peaks[:-1]):
            r = node_hash(p, r)
        return r

    def entries(self):
        out = []
        for n in range((self.size + 255) // 256):
            width = min(256, self.size - n * 256)
            data = self.read(tile_path("entries", n, width))
            i, got = 0, []
            while i < len(data):
                length = int.from_bytes(data[i:i + 2], "big")
                got.append(data[i + 2:i + 2 + length])
                i += 2 + length
            if i != len(data) or len(got) != width:
                raise ValueError("%s is not %d uint16-prefixed entries"
                                 % (tile_path("entries", n, width), width))
            out.extend(got)
        return out


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + (": " + detail if detail else ""))
        return ok


def check_site(site, vkey, checks, label=""):
    """Every check on one tiles directory; returns True if all passed."""
    before = checks.failed
    try:
        with open(os.path.join(site, "checkpoint"), "rb") as f:
            origin, size, root = open_checkpoint(f.read(), vkey)
    except Exception as e:  # noqa: BLE001 - the failure is the result
        checks.check(label + "checkpoint signed by the verifier key", False, str(e))
        return False
    checks.check(label + "checkpoint signed by the verifier key (%s, size %d)" % (origin, size), True)
    tiles = Tiles(site, size)
    try:
        from_tiles = tiles.root()
        entries = tiles.entries()
    except Exception as e:  # noqa: BLE001
        checks.check(label + "tiles readable", False, str(e))
        return False
    checks.check(label + "root from the hash tiles equals the checkpoint's",
                 from_tiles == root, from_tiles.hex() + " != " + root.hex())
    leaves = [leaf_hash(e) for e in entries]
    bad = [i for i, h in enumerate(leaves) if tiles.node(0, i) != h]
    checks.check(label + "every bundled entry hashes to its leaf in the level-0 tiles",
                 not bad, "first bad entry %s" % (bad[:1],))
    checks.check(label + "MTH of the bundled entries equals the checkpoint's root",
                 mth(leaves) == root)
    # Every hash of every full tile above level 0 is the subtree it names.
    ok = True
    for level in range(1, 8):
        nodes = size >> (8 * level)
        for i in range(nodes):
            want = mth(leaves[i << (8 * level):(i + 1) << (8 * level)])
            if tiles.hashes(level, i // 256)[i % 256] != want:
                ok = checks.check(label + "tile level %d hash %d" % (level, i), False)
    checks.check(label + "higher-level tile hashes equal the subtrees they name", ok)
    for index in sorted({0, 1, size // 2, 255 % size, 256 % size, size - 1}):
        proof = path(index, leaves)
        checks.check(label + "entry %d: inclusion proof verifies under the checkpoint" % index,
                     verify_inclusion(leaves[index], index, size, proof, root))
        json.loads(entries[index])  # each entry is a JSON object
    return checks.failed == before


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def build_site(binary, workdir, entries):
    ledger = os.path.join(workdir, "ledger")
    init = json.loads(run([binary, "init", "--data", ledger, "--name", "indep.tiles"]).stdout)
    origin = "fundledger/indep.tiles"
    events = []
    for i in range(entries - 1):
        # A distinct valid public key per agency: i*B for a small scalar.
        pub = _mul(1000 + i, G)
        zinv = pow(pub[2], P - 2, P)
        x, y = pub[0] * zinv % P, pub[1] * zinv % P
        raw = (y | (x & 1) << 255).to_bytes(32, "little")
        events.append(json.dumps({
            "id": "reg-%d" % i, "type": "agency.registered", "agency": "admin",
            "occurred_at": "2024-03-31T08:00:00Z",
            "data": {"agency": "ag-%d" % i, "name": "office %d" % i, "kind": "auditor",
                     "division_code": "530000",
                     "public_key": base64.b64encode(raw).decode()}}))
    signed = run([binary, "sign", "--key", os.path.join(ledger, "admin.pem"),
                  "--origin", origin, "--lines"],
                 input="\n".join(events).encode()).stdout
    env = os.path.join(workdir, "envelopes.jsonl")
    with open(env, "wb") as f:
        f.write(signed)
    run([binary, "import", "--data", ledger, env])
    site = os.path.join(workdir, "site")
    run([binary, "tiles", "--data", ledger, "--out", site])
    return site, init["verifier_key"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fundledger")
    ap.add_argument("--workdir")
    ap.add_argument("--tiles")
    ap.add_argument("--verifier-key")
    ap.add_argument("--entries", type=int, default=600)
    a = ap.parse_args()
    checks = Checks()
    # The Ed25519 code against RFC 8032 7.1 TEST 2 (one byte message).
    checks.check("RFC 8032 test 2 verifies", ed25519_verify(
        bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
        bytes.fromhex("72"),
        bytes.fromhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                      "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")))
    if a.tiles:
        check_site(a.tiles, a.verifier_key, checks)
    else:
        if not (a.fundledger and a.workdir):
            ap.error("give --tiles and --verifier-key, or --fundledger and --workdir")
        marker = os.path.join(a.workdir, ".check_tiles_workdir")
        if os.path.isdir(a.workdir) and os.listdir(a.workdir) and not os.path.exists(marker):
            print("FAIL workdir: refusing to clean %s: not made by this script" % a.workdir)
            return 1
        shutil.rmtree(a.workdir, ignore_errors=True)
        os.makedirs(a.workdir)
        open(marker, "w").close()
        site, vkey = build_site(a.fundledger, a.workdir, a.entries)
        check_site(site, vkey, checks)
        # The checks can fail: a copy with one hash changed must not pass.
        bad = os.path.join(a.workdir, "site-tampered")
        shutil.copytree(site, bad)
        with open(os.path.join(bad, "tile/0/000"), "r+b") as f:
            f.seek(40)
            b = f.read(1)
            f.seek(40)
            f.write(bytes([b[0] ^ 1]))
        sub = Checks()
        print("-- a copy with one byte of tile/0/000 changed (must fail):")
        checks.check("a changed hash tile is caught",
                     not check_site(bad, vkey, sub, "tampered: "))
        other = "fundledger/indep.tiles+00000000+" + base64.b64encode(
            b"\x01" + bytes(32)).decode()
        try:
            parse_verifier_key(other)
            checks.check("a verifier key with a wrong hash is refused", False)
        except ValueError:
            checks.check("a verifier key with a wrong hash is refused", True)
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
