#!/usr/bin/env python3
"""Fails when a source file under mock-server/ is longer than the house limit (500 lines).

A file that grows past it does more than one job: split it by job (see ARCHITECTURE.md's code map)
rather than raising the limit.

usage: scripts/check_file_sizes.py [--root DIR] [--max-lines N]
"""
import argparse
import os
import sys

CHECKED = ("mock-server",)
SOURCES = (".h", ".hpp", ".cpp", ".cc")


def too_long(root, max_lines):
    out = []
    for top in CHECKED:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(SOURCES):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    lines = sum(1 for _ in f)
                if lines > max_lines:
                    out.append((os.path.relpath(path, root).replace(os.sep, "/"), lines))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description="Check that no mock-server source file is over the line limit.")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--max-lines", type=int, default=500)
    args = ap.parse_args()
    found = too_long(os.path.abspath(args.root), args.max_lines)
    for rel, lines in found:
        print(f"check_file_sizes: {rel} has {lines} lines (limit {args.max_lines}): split it by job",
              file=sys.stderr)
    if found:
        return 1
    print(f"check_file_sizes: every file under {', '.join(CHECKED)}/ has at most {args.max_lines} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
