"""Shared pieces of the independent fundledger clients, written from the spec alone.

Used by check_ledger.py (command line) and check_http.py (HTTP API). Standard library
and the `cryptography` package only, no code of the C++ project:
  - check bookkeeping (one line per check, `N passed, M failed`)
  - RFC 8785 JCS, integer-only profile, and a strict JSON parser (LEDGER.md section 1)
  - RFC 6962 / RFC 9162 Merkle tree hash, inclusion and consistency verification (section 4)
  - Ed25519 envelope signing and verification, key ids (section 2)
  - GB 32100-2015 USCC check character (EVENTS.md)
  - C2SP signed-note checkpoints and verifier keys (section 5)
  - self-tests of the above against the external vectors
"""

import base64
import hashlib
import json
import os
import re
import shutil

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VECTORS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "vectors"))
EVENT_PREFIX = b"fundledger.event.v2\n"  # then origin, "\n", JCS(event)
MAX_SAFE_INT = 2**53 - 1
EM_DASH = "\u2014"


# ---------------------------------------------------------------------------
# Check bookkeeping

class Fatal(Exception):
    """A failed check that later checks cannot do without."""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, fatal=False):
        """Run fn(); it returns a short detail string or raises. One line per check."""
        try:
            detail = fn()
        except Exception as e:  # any exception is a failed check
            self.failed += 1
            print(f"FAIL {name}: {one_line(f'{type(e).__name__}: {e}')}", flush=True)
            if fatal:
                raise Fatal(name)
            return False
        self.passed += 1
        print(f"PASS {name}" + (f": {one_line(detail)}" if detail else ""), flush=True)
        return True

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def one_line(text):
    return " | ".join(x.strip() for x in str(text).splitlines() if x.strip())


def ensure(cond, msg):
    if not cond:
        raise AssertionError(msg)


# ---------------------------------------------------------------------------
# RFC 8785 (JCS), integer-only profile (LEDGER.md section 1)

def jcs_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif ch == '\b':
            out.append('\\b')
        elif ch == '\t':
            out.append('\\t')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\f':
            out.append('\\f')
        elif ch == '\r':
            out.append('\\r')
        elif c < 0x20:
            out.append('\\u%04x' % c)
        elif 0xD800 <= c <= 0xDFFF:
            raise ValueError("lone surrogate in string")
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def jcs_value(v):
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, int):
        if abs(v) > MAX_SAFE_INT:
            raise ValueError(f"integer out of range: {v}")
        return str(v)
    if isinstance(v, float):
        raise ValueError("non-integer number in integer-only profile")
    if isinstance(v, str):
        return jcs_string(v)
    if isinstance(v, list):
        return '[' + ','.join(jcs_value(x) for x in v) + ']'
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=lambda k: k.encode('utf-16-be'))  # UTF-16 code units
        return '{' + ','.join(jcs_string(k) + ':' + jcs_value(v[k]) for k in keys) + '}'
    raise TypeError(f"not a JSON value: {type(v).__name__}")


def jcs(v):
    return jcs_value(v).encode('utf-8')


def _no_float(s):
    raise ValueError(f"non-integer number {s}")


def _no_dup(pairs):
    d = {}
    for k, val in pairs:
        if k in d:
            raise ValueError(f"duplicate key {k!r}")
        d[k] = val
    return d


def strict_json(text):
    """Parse JSON with the ledger's profile: no floats, no duplicate keys."""
    return json.loads(text, parse_float=_no_float, parse_constant=_no_float,
                      object_pairs_hook=_no_dup)


# ---------------------------------------------------------------------------
# RFC 6962 / RFC 9162 Merkle tree

def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(entry_bytes):
    return sha256(b"\x00" + entry_bytes)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """MTH over leaf hashes (RFC 6962 section 2.1)."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:  # largest power of two < n
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(leaf_index, tree_size, leaf, path, root):
    """RFC 9162 section 2.1.3.2; returns True/False."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
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


def verify_consistency(first, second, first_hash, second_hash, path):
    """RFC 9162 section 2.1.4.2 (first == second: empty proof, equal roots)."""
    if first == second:
        return len(path) == 0 and first_hash == second_hash
    if first == 0 or first > second or len(path) == 0:
        return False
    path = list(path)
    if first & (first - 1) == 0:  # exact power of 2
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


# ---------------------------------------------------------------------------
# Keys, envelopes, identifiers

def b64(b):
    return base64.b64encode(b).decode('ascii')


def unb64(s):
    return base64.b64decode(s, validate=True)


def raw_pub(pub):
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(pub_raw):
    return hashlib.sha256(pub_raw).hexdigest()[:16]


def signed_message(origin, event):
    """LEDGER.md section 2 (amended 2026-12): the signature binds the origin."""
    return EVENT_PREFIX + origin.encode("utf-8") + b"\n" + jcs(event)


def sign_event(priv, event, origin):
    """Signed envelope per LEDGER.md section 2, for the ledger `origin`."""
    sig = priv.sign(signed_message(origin, event))
    return {"event": event,
            "signature": {"alg": "Ed25519", "key_id": key_id(raw_pub(priv.public_key())),
                          "sig": b64(sig)}}


def verify_event_sig(pub_raw, envelope, origin):
    sig = unb64(envelope["signature"]["sig"])
    Ed25519PublicKey.from_public_bytes(pub_raw).verify(sig, signed_message(origin, envelope["event"]))


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(body17):
    """Append the GB 32100-2015 check character to 17 characters."""
    ensure(len(body17) == 17 and all(c in USCC_CHARS for c in body17), "bad USCC body")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_WEIGHTS))
    return body17 + USCC_CHARS[(31 - total % 31) % 31]


# ---------------------------------------------------------------------------
# Signed note / checkpoint (LEDGER.md section 5)

def parse_verifier_key(vkey):
    name, hexhash, keyb64 = vkey.split('+', 2)  # a key name has no '+'; base64 may
    ensure(re.fullmatch(r"[0-9a-f]{8}", hexhash), f"key hash not 8 lowercase hex: {hexhash}")
    blob = unb64(keyb64)
    ensure(len(blob) == 33 and blob[0] == 0x01, "verifier key is not 0x01 || 32-byte key")
    pub = blob[1:]
    want = sha256(name.encode('utf-8') + b"\n" + b"\x01" + pub)[:4]
    ensure(want.hex() == hexhash, f"key hash {hexhash} != computed {want.hex()}")
    return name, bytes.fromhex(hexhash), pub


def verify_checkpoint(note, name, khash, pub):
    """Returns (origin, size, root bytes) after checking our signature line."""
    ensure(note.endswith("\n"), "note does not end with a newline")
    body, sep, sigs = note.partition("\n\n")
    ensure(sep, "no blank line between body and signatures")
    body = body + "\n"
    lines = body.split("\n")[:-1]
    ensure(len(lines) == 3, f"checkpoint body has {len(lines)} lines, want 3")
    origin, size_s, root_s = lines
    ensure(re.fullmatch(r"0|[1-9][0-9]*", size_s), f"tree size not decimal: {size_s!r}")
    root = unb64(root_s)
    ensure(len(root) == 32, "root is not 32 bytes")
    good = 0
    for line in sigs.split("\n")[:-1]:
        m = re.fullmatch(EM_DASH + r" (\S+) (\S+)", line)
        ensure(m, f"malformed signature line {line!r}")
        blob = unb64(m.group(2))
        if m.group(1) != name or blob[:4] != khash:
            continue  # a key we do not know: ignored
        ensure(len(blob) == 68, "signature blob is not 4 + 64 bytes")
        Ed25519PublicKey.from_public_bytes(pub).verify(blob[4:], body.encode('utf-8'))
        good += 1
    ensure(good >= 1, "no signature line by the ledger key")
    return origin, int(size_s), root


# ---------------------------------------------------------------------------
# Self-tests of this checker against the external vectors

def jcs_selftest(vectors):
    d = os.path.join(vectors, "jcs", "cyberphone-testdata")
    used, skipped = [], []
    for fname in sorted(os.listdir(os.path.join(d, "input"))):
        with open(os.path.join(d, "input", fname), encoding="utf-8") as f:
            text = f.read()
        try:
            value = strict_json(text)
        except ValueError:
            skipped.append(fname)  # floats: outside the integer-only profile
            continue
        with open(os.path.join(d, "output", fname), "rb") as f:
            want = f.read()
        got = jcs(value)
        ensure(got == want, f"{fname}: got {got!r}, want {want!r}")
        used.append(fname)
    ensure(len(used) >= 2, f"only {used} usable")
    # RFC 8785 escaping rules for characters the vectors above do not cover
    ensure(jcs({"a": "\x0f\x08\x0c\x1f\x7f/"}) == b'{"a":"\\u000f\\b\\f\\u001f\x7f/"}',
           "control-character escaping")
    ensure(jcs({"\U0001F602": 1, "\uFFFF": 2}) == '{"\U0001F602":1,"\uFFFF":2}'.encode(),
           "UTF-16 key order (U+1F602 is D83D DE02, before U+FFFF)")
    return f"own JCS matches {', '.join(used)} (skipped with floats: {', '.join(skipped)})"


def merkle_selftest(vectors):
    with open(os.path.join(vectors, "merkle", "rfc6962_8leaf_vectors.json")) as f:
        v = json.load(f)
    leaves = [leaf_hash(bytes.fromhex(x)) for x in v["leaves"]]
    roots = {r["tree_size"]: bytes.fromhex(r["root"]) for r in v["roots"]}
    for n, r in roots.items():
        ensure(mth(leaves[:n]) == r, f"root of size {n}")
    for p in v["inclusion_proofs"]:
        path = [bytes.fromhex(h) for h in p["path"]]
        i, n = p["leaf_index"], p["tree_size"]
        ensure(verify_inclusion(i, n, leaves[i], path, roots[n]), f"inclusion {i}/{n}")
    for p in v["consistency_proofs"]:
        path = [bytes.fromhex(h) for h in p["path"]]
        m, n = p["size1"], p["size2"]
        ensure(verify_consistency(m, n, roots[m], roots[n], path), f"consistency {m}/{n}")
        if path:  # and a flipped bit must fail
            bad = [bytearray(h) for h in path]
            bad[0][0] ^= 1
            ensure(not verify_consistency(m, n, roots[m], roots[n], [bytes(h) for h in bad]),
                   "tampered consistency proof accepted")
    return (f"own MTH/inclusion/consistency match RFC 6962 vectors "
            f"({len(roots)} roots, {len(v['inclusion_proofs'])}+{len(v['consistency_proofs'])} proofs)")


def uscc_selftest():
    # A widely published example code, whose check character is '3'
    ensure(uscc("91350100M000100Y4") == "91350100M000100Y43", "known USCC")
    return "GB 32100 check characters computed"


def run_selftests(C, vectors):
    C.run("selftest: JCS vs cyberphone integer-only vectors", lambda: jcs_selftest(vectors))
    C.run("selftest: Merkle algorithms vs RFC 6962 vectors", lambda: merkle_selftest(vectors))
    C.run("selftest: USCC check character", uscc_selftest)


# ---------------------------------------------------------------------------
# Work directory

def prepare_workdir(workdir, marker):
    """Empty workdir, refusing to clean a directory this script did not make."""
    if os.path.isdir(workdir) and os.listdir(workdir) and \
            not os.path.exists(os.path.join(workdir, marker)):
        print(f"FAIL workdir: refusing to clean {workdir}: not empty and not made by this script")
        return False
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    open(os.path.join(workdir, marker), "w").close()
    return True
