#!/usr/bin/python3
"""Independent check of `fundledger tiles` output, from the C2SP texts alone.

Written from c2sp.org/tlog-tiles (paths, hash tiles, entry bundles),
c2sp.org/tlog-checkpoint and c2sp.org/signed-note (the checkpoint), RFC 6962 /
RFC 9162 (Merkle hashing, inclusion proofs); the hashing, proof and note
helpers are speccheck.py's (shared by the independent checks), Ed25519 is
Debian's python3-cryptography. No code of the C++ project.

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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# Hashing, proofs and signed notes as the other independent checks read
# them from the RFCs and C2SP texts (speccheck.py: Ed25519 from Debian's
# python3-cryptography).
from speccheck import (  # noqa: E402
    leaf_hash, mth, node_hash, parse_verifier_key, verify_checkpoint)
from speccheck import verify_inclusion as _verify_inclusion  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: E402
    Ed25519PrivateKey, Ed25519PublicKey)
from cryptography.exceptions import InvalidSignature  # noqa: E402

# speccheck refuses with AssertionError (its `ensure`); both mean "refused".
Refused = (ValueError, AssertionError)


def ed25519_verify(public, msg, sig):
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


def open_checkpoint(note, vkey):
    """The (origin, size, root) of a note signed by vkey, or an exception."""
    name, key_hash, public = parse_verifier_key(vkey)
    origin, size, root = verify_checkpoint(note.decode("utf-8"), name, key_hash, public)
    if origin != name:
        raise ValueError("origin %r is not the key's name %r" % (origin, name))
    return origin, size, root


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2 (speccheck's, argument order of this file)."""
    return _verify_inclusion(index, size, leaf, proof, root)


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
        # A distinct valid public key per agency, from a fixed seed.
        raw = Ed25519PrivateKey.from_private_bytes(
            hashlib.sha256(b"indep.tiles/%d" % i).digest()).public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
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
        except Refused:
            checks.check("a verifier key with a wrong hash is refused", True)
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
