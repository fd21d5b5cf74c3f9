#!/usr/bin/env python3
"""Fails when the CMake link graph disagrees with the layer plan of scripts/check_layers.py.

The plan (ALLOWED in check_layers.py) says which folders a folder may include; the build states
the same arrows as link dependencies, one target per folder. This script configures the tree
into a scratch directory with `cmake --graphviz`, reads the direct link edges and checks:

  * every folder of the plan has a target (mock_<folder>, harness_<folder>, or one named in
    EXTRA_TARGETS), and no mock_* target lacks a folder;
  * no target links a folder its plan does not allow, directly or through the PUBLIC/INTERFACE
    links of what it links (those pass on include directories: what a target sees);
  * a mock-server folder's targets reach, directly or so, every folder the plan allows it: the
    build states exactly the plan's arrows, and the two cannot drift apart.

Targets of the composition root (mock_lib, telnyx-mock) may link anything and are not checked.

usage: scripts/check_cmake_layers.py [--source DIR] [--dot FILE] [--cmake CMAKE]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_layers import ALLOWED, report  # noqa: E402  (the one plan)

ROOT_TARGETS = {"mock_lib", "telnyx-mock"}
# Targets whose name does not say their folder.
EXTRA_TARGETS = {
    "harness_net": "src/net",
    "harness_http_server": "src/net",
    "harness_http_client": "src/net",
    "harness_client": "src/client",
    "tools_lib": "src/tools",
    "telnyx-send": "src/tools",
    "loadgen_lib": "loadgen",
    "telnyx-loadgen": "loadgen",
    "mockctl_lib": "mock-server/tools",
    "telnyx-mockctl": "mock-server/tools",
}
NODE = re.compile(r'^\s*"(node\d+)"\s*\[\s*label\s*=\s*"([^"]+)"')
EDGE = re.compile(r'^\s*"(node\d+)"\s*->\s*"(node\d+)"\s*(?:\[\s*style\s*=\s*(\w+)\s*\])?')


def layer_of(target):
    """The plan folder a target builds ("mock-server/store"), or None for other targets."""
    if target in EXTRA_TARGETS:
        return EXTRA_TARGETS[target]
    for prefix, top in (("mock_", "mock-server/"), ("harness_", "src/")):
        if target.startswith(prefix) and top + target[len(prefix):] in ALLOWED:
            return top + target[len(prefix):]
    return None


def short(layer):
    return layer.split("/")[-1]


def read_graph(dot_text):
    """{target: [(dependency, visibility)]} from cmake --graphviz output. Solid edges are PUBLIC,
    dotted PRIVATE, dashed INTERFACE."""
    names, edges = {}, {}
    for line in dot_text.splitlines():
        m = NODE.match(line)
        if m:
            names[m.group(1)] = m.group(2)
    for line in dot_text.splitlines():
        m = EDGE.match(line)
        if not m:
            continue
        style = m.group(3) or "solid"
        vis = {"solid": "PUBLIC", "dotted": "PRIVATE", "dashed": "INTERFACE"}.get(style, "PUBLIC")
        edges.setdefault(names[m.group(1)], []).append((names[m.group(2)], vis))
    for n in names.values():
        edges.setdefault(n, [])
    return edges


def problems(edges):
    out = []
    targets_of = {}
    for t in edges:
        layer = layer_of(t)
        if layer:
            targets_of.setdefault(layer, []).append(t)
        elif t.startswith("mock_") and t not in ROOT_TARGETS:
            out.append(f"target {t} builds no folder of the plan (name it mock_<folder> and add the folder to ALLOWED)")

    def public_closure(t, seen):
        if t in seen:
            return
        seen.add(t)
        for dep, vis in edges.get(t, []):
            if vis != "PRIVATE":
                public_closure(dep, seen)

    for layer in sorted(ALLOWED):
        own = short(layer)
        allowed = ALLOWED[layer]
        tgts = sorted(targets_of.get(layer, []))
        if not tgts:
            if layer.startswith("mock-server/"):
                out.append(f"{layer} has no target (expected mock_{own})")
            elif layer.startswith("src/"):
                out.append(f"{layer} has no target (expected harness_{own})")
            continue
        linked = {}
        for t in tgts:
            for dep, _ in edges[t]:
                dl = layer_of(dep)
                if dl and dl != layer:
                    linked.setdefault(short(dl), []).append(f"{t} -> {dep}")
        for name in sorted(set(linked) - allowed):
            out.append(f"{layer} links {name}, which the plan does not allow: {', '.join(sorted(linked[name]))}")
        visible = {}
        for t in tgts:
            seen = set()
            for dep, _ in edges[t]:
                public_closure(dep, seen)
            for dep in seen:
                dl = layer_of(dep)
                if dl and dl != layer:
                    visible.setdefault(short(dl), set()).add(f"{t} sees {dep}")
        for name in sorted(set(visible) - allowed - set(linked)):
            out.append(f"{layer} sees {name} through a PUBLIC link, which the plan does not allow: "
                       f"{', '.join(sorted(visible[name]))}")
        if layer.startswith("mock-server/"):
            for name in sorted(allowed - set(linked) - set(visible)):
                out.append(f"the plan lets {layer} include {name}, but none of {', '.join(tgts)} links it")
    return out


def graph_of(source, cmake):
    scratch = tempfile.mkdtemp(prefix="layers-graph-")
    try:
        dot = os.path.join(scratch, "graph.dot")
        run = subprocess.run(
            [cmake, "-S", source, "-B", os.path.join(scratch, "build"), "-DHARNESS_BUILD_TESTS=OFF",
             "-DHARNESS_BUILD_BENCH=OFF", "--graphviz=" + dot],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0 or not os.path.exists(dot):
            sys.stderr.write(run.stdout)
            raise SystemExit(f"check_cmake_layers: cmake could not configure {source}")
        with open(dot, encoding="utf-8") as f:
            return f.read()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description="Check that the CMake link graph follows the layer plan.")
    ap.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                    help="CMake source tree to configure (default: this repository)")
    ap.add_argument("--dot", help="read this cmake --graphviz file instead of configuring")
    ap.add_argument("--cmake", default="cmake")
    args = ap.parse_args()
    if args.dot:
        with open(args.dot, encoding="utf-8") as f:
            text = f.read()
    else:
        text = graph_of(os.path.abspath(args.source), args.cmake)
    return report("check_cmake_layers", problems(read_graph(text)), "",
                  "the link graph states exactly the arrows of the layer plan")


if __name__ == "__main__":
    sys.exit(main())
