#!/usr/bin/python3
"""The fixture province against its truth file, through the real binary.

Builds a fresh ledger (`fundledger init`), generates the Yunnan fixture with
fixtures/generate.py (signed with the new admin key), imports it, replays
it, and requires the flags to equal truth.json exactly (fixtures/check_truth.py):
no planted violation missed, no extra flag, no near miss flagged. Then the
same for an explicit --as-of (the truth's own date).
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fundledger", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    ledger = os.path.join(a.workdir, "ledger")
    out = os.path.join(a.workdir, "fixture")
    fl = a.fundledger
    run([fl, "init", "--data", ledger, "--name", "truth.yunnan"])
    run([sys.executable, os.path.join(ROOT, "fixtures", "generate.py"),
         "--admin-key", os.path.join(ledger, "admin.pem"),
         "--origin", "fundledger/truth.yunnan", "--out", out])
    run([fl, "import", "--data", ledger, os.path.join(out, "events.jsonl")])
    truth = os.path.join(out, "truth.json")
    check = os.path.join(ROOT, "fixtures", "check_truth.py")
    replay = os.path.join(a.workdir, "replay.json")
    run([fl, "replay", "--data", ledger, "--out", replay])
    run([sys.executable, check, truth, replay])
    import json
    with open(truth, encoding="utf-8") as f:
        as_of = json.load(f)["as_of"]
    run([fl, "replay", "--data", ledger, "--as-of", as_of, "--out", replay])
    run([sys.executable, check, truth, replay])
    print("fixture truth: ok")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
