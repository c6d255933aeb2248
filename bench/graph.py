#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""The interaction-graph figures of the power monitor beside python3-igraph
and python3-networkx, on the same graphs in the same run
(docs/performance.md#power).

For each graph: accord's ac_graph_compute (bench/graph), igraph's pagerank
(weighted, damping 0.85, PRPACK) plus reciprocity, and networkx's pagerank
(weighted, damping 0.85, SciPy) plus reciprocity. The Python times are those
of the calls alone, on graphs already built; the ratios compare them with
accord's reciprocity plus PageRank on its graph built (the same work). The
whole call of accord (from the unsorted edge list to reciprocity, in-degree
Gini, PageRank and its Gini, and global reaching centrality) is shown too,
with its ratio to igraph. Each is the median of REPEAT runs (networkx:
one run when a run takes over 20 seconds). The figures are checked against
each other: reciprocity equal, PageRank within 1e-6 of igraph's.

Graphs:
  synthetic  NODES nodes, EDGES distinct weighted edges drawn with a fixed
             seed: who answers is half uniform, half Zipf (exponent 1),
             whom they answer Zipf, a sixth of the ties answered back,
             node numbers shuffled
  small      the same law at a tenth of the size
  org        --org-edges FILE: the interaction graph bench/genorg wrote

Run it with Debian's python3 (python3-igraph, python3-networkx and
python3-scipy, which networkx's pagerank needs).

usage: bench/graph.py [--graph BIN] [--nodes N] [--edges M] [--seed S]
                      [--repeat R] [--org-edges FILE] [--work DIR]
                      [--no-networkx-large]
prints a table per graph and one machine-readable line per graph:
  graph name=.. nodes=.. edges=.. accord_s=.. accord_whole_s=.. igraph_s=..
        networkx_s=.. igraph_ratio=.. networkx_ratio=..
        igraph_whole_ratio=.. reciprocity=.. pagerank_diff=..
(accord_s: reciprocity + PageRank; ratio: their seconds / accord's;
networkx_s=nan when skipped)
"""

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

import igraph
import networkx

NX_SLOW = 20.0  # seconds of one networkx run above which it is not repeated


def skewed_graph(nodes, edges, seed):
    """Distinct weighted edges {(from, to): weight}, loops left out."""
    rng = random.Random(seed)
    perm = list(range(nodes))
    rng.shuffle(perm)
    q = 5.0
    top = (nodes + q) / q

    def zipf():
        r = int(q * top ** rng.random() - q)
        return perm[r if r < nodes else nodes - 1]

    out = {}
    while len(out) < edges:
        a = zipf() if rng.random() < 0.5 else rng.randrange(nodes)
        b = zipf()
        if a == b:
            continue
        out[(a, b)] = out.get((a, b), 0) + 1
        if rng.random() < 1 / 6 and len(out) < edges:
            out[(b, a)] = out.get((b, a), 0) + 1
    return out


def write_edges(path, nodes, edges):
    with open(path, "w") as f:
        f.write(f"{nodes}\n")
        for (a, b), w in edges.items():
            f.write(f"{a} {b} {w}\n")


def read_edges(path):
    with open(path) as f:
        nodes = int(f.readline())
        edges = {}
        for line in f:
            a, b, w = line.split()
            edges[(int(a), int(b))] = edges.get((int(a), int(b)), 0) + float(w)
    return nodes, edges


def timed(fn, repeat, slow=math.inf):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        if times[-1] > slow:
            break
    return statistics.median(times), result


def run_accord(binary, path, nodes, repeat, work):
    prfile = os.path.join(work, "pagerank.txt")
    out = subprocess.run([binary, path, "--repeat", str(repeat),
                          "--pagerank", prfile],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split("=", 1) for kv in out.split())
    with open(prfile) as f:
        pr = [float(x) for x in f]
    os.unlink(prfile)
    if len(pr) != nodes:
        sys.exit(f"graph.py: {binary} wrote {len(pr)} PageRank values, "
                 f"not {nodes}")
    return float(fields["measures_s"]), fields, pr


def compare(name, binary, nodes, edges, path, repeat, work, with_nx):
    pairs = list(edges.keys())
    weights = [float(w) for w in edges.values()]

    acc_s, fields, acc_pr = run_accord(binary, path, nodes, repeat, work)

    g = igraph.Graph(n=nodes, edges=pairs, directed=True)
    g.es["weight"] = weights
    ig_pr_s, ig_pr = timed(
        lambda: g.pagerank(weights="weight", damping=0.85, directed=True),
        repeat)
    ig_rec_s, ig_rec = timed(lambda: g.reciprocity(ignore_loops=True), repeat)
    ig_s = ig_pr_s + ig_rec_s
    del g

    nx_s, nx_rec, nx_diff = math.nan, math.nan, math.nan
    if with_nx:
        G = networkx.DiGraph()
        G.add_nodes_from(range(nodes))
        G.add_weighted_edges_from((a, b, w) for (a, b), w in
                                  zip(pairs, weights))
        nx_pr_s, nx_pr = timed(
            lambda: networkx.pagerank(G, alpha=0.85, weight="weight"),
            repeat, NX_SLOW)
        nx_rec_s, nx_rec = timed(lambda: networkx.reciprocity(G), repeat,
                                 NX_SLOW)
        nx_s = nx_pr_s + nx_rec_s
        nx_diff = max(abs(nx_pr[i] - ig_pr[i]) for i in range(nodes))
        del G

    acc_rec = float(fields["reciprocity"])
    pr_diff = max(abs(acc_pr[i] - ig_pr[i]) for i in range(nodes))
    ok = abs(acc_rec - ig_rec) < 1e-12 and pr_diff < 1e-6
    if with_nx:
        ok = ok and abs(nx_rec - ig_rec) < 1e-12

    print(f"{name}: {nodes} nodes, {len(pairs)} distinct weighted edges "
          f"({path})")
    whole_s = float(fields["seconds"])
    print(f"  {'':44} {'seconds':>10} {'x accord':>9}")
    print(f"  {'accord reciprocity + pagerank':44} {acc_s:10.4f} "
          f"{1:9.2f}")
    print(f"    {'pagerank':42} {float(fields['pagerank_s']):10.4f}")
    print(f"    {'reciprocity':42} {float(fields['reciprocity_s']):10.4f}")
    print(f"  {'accord ac_graph_compute (whole call)':44} {whole_s:10.4f}")
    for step in ("build", "indegree_gini", "grc"):
        print(f"    {step:42} {float(fields[step + '_s']):10.4f}")
    print(f"  {'igraph pagerank + reciprocity':44} {ig_s:10.4f} "
          f"{ig_s / acc_s:9.2f}")
    print(f"    {'pagerank':42} {ig_pr_s:10.4f}")
    print(f"    {'reciprocity':42} {ig_rec_s:10.4f}")
    if with_nx:
        print(f"  {'networkx pagerank + reciprocity':44} {nx_s:10.4f} "
              f"{nx_s / acc_s:9.2f}")
        print(f"    {'pagerank':42} {nx_pr_s:10.4f}")
        print(f"    {'reciprocity':42} {nx_rec_s:10.4f}")
    else:
        print("  networkx: not run on this graph")
    print(f"  reciprocity: accord {acc_rec:.6f}, igraph {ig_rec:.6f}, "
          f"networkx {nx_rec:.6f}; PageRank max |accord - igraph| "
          f"{pr_diff:.2e}, |networkx - igraph| {nx_diff:.2e}: "
          f"{'agree' if ok else 'DISAGREE'}")
    print(f"graph name={name} nodes={nodes} edges={len(pairs)} "
          f"accord_s={acc_s:.6f} accord_whole_s={whole_s:.6f} "
          f"igraph_s={ig_s:.6f} networkx_s={nx_s:.6f} "
          f"igraph_ratio={ig_s / acc_s:.2f} "
          f"networkx_ratio={nx_s / acc_s:.2f} "
          f"igraph_whole_ratio={ig_s / whole_s:.2f} reciprocity={acc_rec:.6f} "
          f"pagerank_diff={pr_diff:.2e} agree={int(ok)}")
    sys.stdout.flush()
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", default=os.path.join(
        here, "..", "build", "release", "bench", "graph"))
    ap.add_argument("--nodes", type=int, default=100000)
    ap.add_argument("--edges", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--org-edges")
    ap.add_argument("--work")
    ap.add_argument("--no-networkx-large", action="store_true")
    args = ap.parse_args()

    print(f"python {sys.version.split()[0]}, igraph {igraph.__version__}, "
          f"networkx {networkx.__version__}")
    ok = True
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        for name, nodes, edges, with_nx in (
                ("small", args.nodes // 10, args.edges // 10, True),
                ("synthetic", args.nodes, args.edges,
                 not args.no_networkx_large)):
            t = time.perf_counter()
            e = skewed_graph(nodes, edges, args.seed)
            path = os.path.join(work, f"{name}.edges")
            write_edges(path, nodes, e)
            print(f"({name}: drawn in {time.perf_counter() - t:.1f} s)")
            ok = compare(name, args.graph, nodes, e, path, args.repeat, work,
                         with_nx) and ok
        if args.org_edges:
            nodes, e = read_edges(args.org_edges)
            ok = compare("org", args.graph, nodes, e, args.org_edges,
                         args.repeat, work,
                         not args.no_networkx_large) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
