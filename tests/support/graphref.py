#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reference figures of a weighted directed graph, for the power monitor's
tests (tests/unit/test_powerstat_igraph.c), from igraph and networkx.

usage: graphref.py FILE
FILE: a line "N M", then M lines "FROM TO WEIGHT" (nodes 0..N-1; loops
and repeated pairs allowed). The graph the figures describe is the simple
one: loops dropped, the weights of repeated pairs summed, as accord does.

Prints:
  reciprocity R   igraph reciprocity(ignore_loops=True, mode="default")
  grc G           networkx global_reaching_centrality(weight=None) over
                  the reversed unweighted graph; 0 when it has no edge
                  (networkx refuses such a graph) or N < 2
  pagerank N      then N lines: igraph pagerank(directed=True,
                  damping=0.85, weights=the summed weights), PRPACK
Numbers are printed with repr, which round-trips a double.
"""
import sys

import igraph
import networkx


def read(path):
    with open(path, encoding="ascii") as f:
        n, m = (int(x) for x in f.readline().split())
        edges = []
        for _ in range(m):
            a, b, w = f.readline().split()
            edges.append((int(a), int(b), float(w)))
    return n, edges


def simple(edges):
    """The weights of the distinct non-loop pairs, summed in file order."""
    summed = {}
    for a, b, w in edges:
        if a != b:
            summed[(a, b)] = summed.get((a, b), 0.0) + w
    return summed


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: graphref.py FILE")
    n, edges = read(sys.argv[1])
    pairs = simple(edges)
    keys = sorted(pairs)

    g = igraph.Graph(n=n, edges=keys, directed=True)
    g.es["weight"] = [pairs[k] for k in keys]
    recip = g.reciprocity(ignore_loops=True, mode="default") if keys else 0.0
    ranks = g.pagerank(directed=True, damping=0.85, weights="weight",
                       implementation="prpack")

    rev = networkx.DiGraph()
    rev.add_nodes_from(range(n))
    rev.add_edges_from((b, a) for a, b in keys)
    grc = 0.0
    if n >= 2 and keys:
        grc = networkx.global_reaching_centrality(rev, weight=None)

    print("reciprocity", repr(float(recip)))
    print("grc", repr(float(grc)))
    print("pagerank", n)
    for r in ranks:
        print(repr(float(r)))


if __name__ == "__main__":
    main()
