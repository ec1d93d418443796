"""Dask baseline of bench/runtime.ts: scheduler throughput and round-trip latency.

Runs dask.distributed's LocalCluster(processes=False) -- scheduler, workers and
client in this one process, the closest Dask setup to shoal's Client.local --
with the same workers and threads as the shoal side, and prints one JSON object
(the bench/harness.ts BaselineResult shape) as its last stdout line.

Cases, each timed end to end (graph submission, execution, results back in the client):
  throughput.embarrassing  N independent no-op tasks; figure: tasks per second
  throughput.tree          N leaf tasks returning 1, summed by a tree with fan-in
                           --split-every (shoal's treeReduce default, 8); figure: tasks
                           (leaves + inner sums) per second; the total is checked to equal N
  roundtrip                client.submit(noop, pure=False).result() repeated --calls
                           times; figure: the median call, in milliseconds

With --processes the workers are separate processes talking TCP (the
multi-host setup bench/nats.ts compares against), and --transfer-mb M adds
  transfer                 a task on one worker needing an M MB array held by
                           another; figure: GB/s of that end-to-end transfer

Run from the repository root:
    bench/.venv/bin/python bench/python/runtime_dask.py --tasks 100000 --runs 5 --workers 1 --threads 2
"""

import argparse
import json
import logging
import statistics
import sys
import time

import dask
import distributed
from distributed import Client, LocalCluster


def noop(*args):
    return None


def one(_i):
    return 1


def add_all(parts):
    return sum(parts)


def embarrassing_graph(n):
    return {f"noop-{i}": (noop, i) for i in range(n)}


def tree_graph(n, split_every):
    """Leaves one-<i> return 1; sum-<level>-<j> adds split_every keys of the level below."""
    graph = {f"one-{i}": (one, i) for i in range(n)}
    level = [f"one-{i}" for i in range(n)]
    depth = 0
    # At least one level of sums, as shoal's treeReduce (a do-while), so task counts match for any n.
    while depth == 0 or len(level) > 1:
        depth += 1
        nxt = []
        for j in range(0, len(level), split_every):
            key = f"sum-{depth}-{j // split_every}"
            # A list of keys inside a task is replaced by the list of their results.
            graph[key] = (add_all, level[j : j + split_every])
            nxt.append(key)
        level = nxt
    return graph, level[0]


def take_two(a, b):
    return None


def time_transfer(client, mb, workers):
    """A task needing a `mb` MB array held by the first worker runs on the second
    (which holds a larger input); returns GB/s of the transfer (end to end)."""
    import numpy as np
    a = client.scatter(np.random.random(mb * 2**20 // 8), workers=[workers[0]])
    b = client.scatter(np.random.random(int(mb * 1.1) * 2**20 // 8), workers=[workers[1]])
    start = time.perf_counter()
    client.submit(take_two, a, b, pure=False).result()
    elapsed = time.perf_counter() - start
    del a, b
    return mb * 2**20 / elapsed / 1e9


def time_throughput(client, graph, keys):
    start = time.perf_counter()
    results = client.get(graph, keys)
    elapsed = time.perf_counter() - start
    return len(graph) / elapsed, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--split-every", type=int, default=8)
    parser.add_argument("--calls", type=int, default=200, help="round trips per run")
    parser.add_argument("--processes", action="store_true", help="worker processes talking TCP (the multi-host setup)")
    parser.add_argument("--transfer-mb", type=int, default=0, help="also time a worker-to-worker transfer of this many MB")
    args = parser.parse_args()
    for name in ("tasks", "runs", "workers", "threads", "calls"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1, got {getattr(args, name)}")
    if args.split_every < 2:
        parser.error(f"--split-every must be >= 2, got {args.split_every}")

    # Dask warns about large graphs and long event-loop blocks; they are the point here.
    logging.getLogger("distributed").setLevel(logging.ERROR)

    cluster = LocalCluster(
        processes=args.processes,
        n_workers=args.workers,
        threads_per_worker=args.threads,
        dashboard_address=None,
    )
    client = Client(cluster)
    try:
        # Warm up: imports, first connections, worker threads.
        client.get(embarrassing_graph(100), [f"noop-{i}" for i in range(100)])
        for _ in range(20):
            client.submit(noop, pure=False).result()

        emb = []
        graph = embarrassing_graph(args.tasks)
        keys = list(graph)
        for _ in range(args.runs):
            rate, _results = time_throughput(client, graph, keys)
            emb.append(rate)

        tree = []
        graph, root = tree_graph(args.tasks, args.split_every)
        for _ in range(args.runs):
            rate, total = time_throughput(client, graph, root)
            if total != args.tasks:
                raise AssertionError(f"tree reduction summed to {total}, expected {args.tasks}")
            tree.append(rate)

        rtt = []
        for _ in range(args.runs):
            calls = []
            for _ in range(args.calls):
                start = time.perf_counter()
                client.submit(noop, pure=False).result()
                calls.append((time.perf_counter() - start) * 1e3)
            rtt.append(statistics.median(calls))
        tree_tasks = len(graph)

        transfer = []
        if args.transfer_mb > 0:
            workers = sorted(client.scheduler_info()["workers"])
            if len(workers) < 2:
                raise SystemExit("--transfer-mb needs at least 2 workers")
            time_transfer(client, 8, workers)  # warm-up
            for _ in range(args.runs):
                transfer.append(time_transfer(client, args.transfer_mb, workers))
    finally:
        client.close()
        cluster.close()

    print(json.dumps({
        "baselineName": f"dask.distributed {distributed.__version__} LocalCluster(processes={args.processes}, "
                        f"n_workers={args.workers}, threads_per_worker={args.threads})",
        "versions": {"dask": dask.__version__, "distributed": distributed.__version__, "python": sys.version.split()[0]},
        "config": {"tasks": args.tasks, "treeTasks": tree_tasks, "splitEvery": args.split_every,
                   "workers": args.workers, "threads": args.threads, "calls": args.calls},
        "cases": {
            "throughput.embarrassing": {"samples": emb},
            "throughput.tree": {"samples": tree},
            "roundtrip": {"samples": rtt},
            **({"transfer": {"samples": transfer}} if transfer else {}),
        },
    }))


if __name__ == "__main__":
    main()
