#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""No two files of nsm-tui depend on each other in a circle.

A module is a .c file with its .h. Module A depends on B when one of A's
files includes B's header ("b.h"), or when A's object calls or uses a
symbol B's object defines (nm). The dependency graph must be acyclic;
every cycle found is printed.

usage: deps.py SRC-DIR OBJ-DIR
"""
import os
import re
import subprocess
import sys

src, obj = sys.argv[1], sys.argv[2]
edges = {}


def add(a, b):
    if a != b:
        edges.setdefault(a, set()).add(b)
        edges.setdefault(b, set())


mods = {os.path.splitext(f)[0] for f in os.listdir(src)
        if f.endswith((".c", ".h"))}
for f in os.listdir(src):
    if not f.endswith((".c", ".h")):
        continue
    m = os.path.splitext(f)[0]
    edges.setdefault(m, set())
    for inc in re.findall(r'^#include "([^"/]+)\.h"',
                          open(os.path.join(src, f)).read(), re.M):
        if inc in mods:
            add(m, inc)

defined, undefined = {}, {}
for f in os.listdir(obj):
    m = os.path.splitext(f)[0]
    if not f.endswith(".o") or m not in mods:
        continue
    out = subprocess.run(["nm", os.path.join(obj, f)], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.setdefault(m, set()).add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defined[parts[2]] = m
for m, syms in undefined.items():
    for s in syms:
        if s in defined:
            add(m, defined[s])

# Tarjan's strongly connected components: any with two modules is a cycle
index, low, stack, on, sccs = {}, {}, [], set(), []


def visit(v, n=[0]):
    index[v] = low[v] = n[0]
    n[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)
for comp in sccs:
    print("cycle among: " + ", ".join(comp))
    for a in comp:
        print("  %s -> %s" % (a, ", ".join(sorted(edges[a] & set(comp)))))
print("%d modules, %d dependencies, %d cycles" %
      (len(edges), sum(len(e) for e in edges.values()), len(sccs)))
sys.exit(1 if sccs else 0)
