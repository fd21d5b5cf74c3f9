#!/usr/bin/env python3
"""Fails when a project include runs against the layer plan (ARCHITECTURE.md, "Layers").

Each folder may include itself and the folders listed for it below; the composition roots (the
files directly in mock-server/, which wire the parts together, and loadgen/main.cpp) may include
anything. Glue between two folders belongs in the higher one or in a root file.

usage: scripts/check_layers.py [--root DIR] [--print-violations]
"""
import argparse
import os
import re
import sys

# folder -> folders it may include (besides itself). Paths are relative to the repository root.
ALLOWED = {
    "src/core": set(),
    "src/yaml": {"core"},
    "src/net": {"core"},
    "src/client": {"core", "net"},
    "src/tools": {"core", "net", "client", "yaml"},
    "loadgen": {"core", "net", "yaml"},
    "mock-server/ui": set(),
    "mock-server/config": {"core", "yaml"},
    "mock-server/store": {"core", "config"},
    "mock-server/scenario": {"core", "net", "yaml", "config"},
    "mock-server/rules": {"core", "config", "store"},
    "mock-server/webhook": {"core", "net", "config", "store", "rules"},
    "mock-server/control": {"core", "config", "store"},
    "mock-server/http": {"core", "net", "config", "ui", "scenario", "store", "rules", "webhook", "control"},
    "mock-server/tools": {"core", "net", "config", "scenario"},
}
ROOTS = {"loadgen/main.cpp"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(rel):
    """The layer folder a source file belongs to, or None when it is not layered."""
    parts = rel.split("/")
    if parts[0] == "loadgen":
        return "loadgen"
    if parts[0] in ("src", "mock-server") and len(parts) >= 3:
        return parts[0] + "/" + parts[1]
    return None


def target_of(include, rel):
    """The layer name an include names: its first path element ("store/store.h" -> "store")."""
    first = include.split("/")[0]
    if "/" not in include:
        return None   # a sibling file: same folder
    if first == "loadgen" and rel.startswith("loadgen/"):
        return "loadgen"
    return first


def violations(root):
    out = []
    for top in ("src", "mock-server", "loadgen"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".h", ".hpp", ".cpp", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if rel in ROOTS or (rel.startswith("mock-server/") and rel.count("/") == 1):
                    continue
                folder = folder_of(rel)
                if folder is None or folder not in ALLOWED:
                    continue
                own = folder.split("/")[-1]
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for inc in INCLUDE.findall(text):
                    tgt = target_of(inc, rel)
                    if tgt is None or tgt == own or tgt in ALLOWED[folder]:
                        continue
                    out.append(f"{rel} -> {inc}")
    return sorted(set(out))


def report(tool, found, prefix, ok):
    """Prints each problem on stderr (or the all-clear on stdout); the exit status."""
    for v in found:
        print(f"{tool}: {prefix}{v}", file=sys.stderr)
    if found:
        return 1
    print(f"{tool}: {ok}")
    return 0


def main():
    ap = argparse.ArgumentParser(description="Check that includes follow the layer plan.")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--print-violations", action="store_true",
                    help="print every include against the plan and exit 0")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    found = violations(root)
    if args.print_violations:
        print("\n".join(found))
        return 0
    return report("check_layers", found, "include runs against the layer plan: ",
                  "every include follows the layer plan")


if __name__ == "__main__":
    sys.exit(main())
