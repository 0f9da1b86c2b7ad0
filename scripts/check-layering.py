#!/usr/bin/env python3
"""Fails on an include that breaks the layering of docs/architecture.md.

    crypto <- ledger <- replay <- api (http, client, cli, bench)

Each library's public headers are the ones its CMakeLists.txt declares with
fl_public_headers(); every other header in its folder is private to it.
Checked in every .h/.cpp of the libraries (tests are white-box and exempt):
  - an include of a library this one may not depend on (a layer up, or a
    sibling it does not link), or of another library's private header;
  - a public header including a private header of its own library (that
    would hand the private header to every user);
  - RocksDB headers outside the store files and the benchmark;
  - Beast/Asio headers outside api/http and api/client.
Usage: check-layering.py [SOURCE_DIR]   (exit 0 clean, 1 with a list)
       check-layering.py --self-test [SOURCE_DIR]   (plants each kind of
       bad include in a copy of the tree; fails unless every one is caught)
"""
import pathlib
import re
import sys

# library folder -> libraries it may include (its link dependencies)
DEPS = {
    "crypto": set(),
    "ledger": {"crypto"},
    "replay": {"crypto", "ledger"},
    "api/console": {"crypto", "ledger"},
    "api/http": {"crypto", "ledger", "replay", "api/console"},
    "api/client": {"crypto"},
    "api/cli": {"crypto", "ledger", "replay", "api/console", "api/http",
                "api/client"},
    "api/bench": {"crypto", "ledger", "replay", "api/console", "api/http",
                  "api/client", "api/cli"},
}
LAYER = {"crypto": 0, "ledger": 1, "replay": 2}

# RocksDB belongs to the stores. ledger.cpp builds the group commit's
# WriteBatch itself; `bench` times a raw synced RocksDB write as the
# machine's ceiling (fl_bench links RocksDB for that alone).
ROCKSDB_FILES = {
    "ledger/store.h", "ledger/store.cpp", "ledger/ledger.cpp",
    "ledger/witness_store.cpp",
    "replay/projection_store.h", "replay/projection_store.cpp",
    "api/bench/cmd_bench.cpp",
}
NETWORK_LIBS = {"api/http", "api/client"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
PUBLIC_CALL = re.compile(r"fl_public_headers\(\s*(\w+)((?:\s+[\w./-]+)+)\s*\)")


def library_of(path):
    best = None
    for lib in DEPS:
        if path.startswith(lib + "/") and (best is None or len(lib) > len(best)):
            best = lib
    return best


def public_headers(root):
    public = set()
    for cmake in [*root.glob("*/CMakeLists.txt"), *root.glob("api/*/CMakeLists.txt")]:
        text = re.sub(r"#[^\n]*", "", cmake.read_text())
        folder = cmake.parent.relative_to(root)
        for match in PUBLIC_CALL.finditer(text):
            for name in match.group(2).split():
                header = (folder / name).as_posix()
                if not (root / header).is_file():
                    sys.exit(f"{cmake}: fl_public_headers names missing {header}")
                public.add(header)
    return public


def check(root):
    public = public_headers(root)
    problems, includes = [], 0
    files = sorted(p for lib in DEPS for p in (root / lib).rglob("*")
                   if p.suffix in (".h", ".cpp"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        own = library_of(rel)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            includes += 1
            kind, target = m.groups()
            where = f"{rel}:{number}: "
            if kind == "<":
                if target.startswith("rocksdb/") and rel not in ROCKSDB_FILES:
                    problems.append(where + f"<{target}>: RocksDB outside the store files")
                if (target.startswith("boost/beast") or target.startswith("boost/asio")) \
                        and own not in NETWORK_LIBS:
                    problems.append(where + f"<{target}>: Beast/Asio outside api/http and api/client")
                continue
            lib = library_of(target)
            if lib is None:
                if (root / target).exists() or target.startswith("tests/"):
                    problems.append(where + f'"{target}" is not in a library')
                continue
            if lib == own:
                if rel in public and target.endswith(".h") and target not in public:
                    problems.append(where + f'public header includes private "{target}"')
                continue
            if lib not in DEPS[own]:
                up = LAYER.get(lib, 3) > LAYER.get(own, 3)
                problems.append(where + f'"{target}": {own} may not include {lib}'
                                + (" (a layer up)" if up else ""))
            elif target not in public:
                problems.append(where + f'"{target}" is private to {lib}')
    return files, includes, problems


# Each plant is (file, line to add, words the report must contain).
PLANTS = [
    ("ledger/ledger.cpp", '#include "replay/projections.h"', "a layer up"),
    ("api/cli/cmd_proof.cpp", '#include "ledger/validator.h"', "private to ledger"),
    ("api/http/tokens.cpp", '#include "api/cli/cli_args.h"', "may not include api/cli"),
    ("ledger/ledger.h", '#include "ledger/store.h"', "public header includes private"),
    ("api/http/metrics.cpp", "#include <rocksdb/db.h>", "RocksDB outside"),
    ("api/cli/cmd_init.cpp", "#include <boost/asio/post.hpp>", "Beast/Asio outside"),
]


def self_test(root):
    """Plants each kind of bad include in a copy of the tree: the check must
    name every one, and pass on the copy without plants."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp)
        for lib in ["crypto", "ledger", "replay", "api"]:
            shutil.copytree(root / lib, copy / lib)
        _, _, clean = check(copy)
        if clean:
            print("self-test: the unplanted copy already fails:", *clean, sep="\n")
            return 1
        failed = 0
        for rel, line, words in PLANTS:
            path = copy / rel
            original = path.read_text()
            path.write_text(line + "\n" + original)
            _, _, problems = check(copy)
            path.write_text(original)
            hit = [p for p in problems if p.startswith(rel + ":1:") and words in p]
            print(("caught: " if hit else "MISSED: ") + f"{rel}: {line}")
            failed += not hit
        return 1 if failed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        root = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else
                            pathlib.Path(__file__).resolve().parent.parent)
        return self_test(root)
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parent.parent)
    files, includes, problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} problem(s) in {len(files)} files")
        return 1
    print(f"layering: ok ({len(files)} files, {includes} includes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
