#!/usr/bin/env python3
"""Side-by-side comparison of formal and SPIN's compiled verifier (pan) on the same models, in
one run: counters N x mod M and philosophers N (Promela files beside this script). Prints both
figures and the ratio; the state counts must agree (a correctness check of both tools), else
the script exits 1.

SPIN is built for exact, exhaustive state counts:
  spin -DN=.. -a MODEL.pml
  gcc -O3 -DSAFETY -DNOREDUCE -DMEMLIM=16000 [-DBFS] -o pan pan.c
  ./pan -m<states+1> -w<log2(states)+1>
-DSAFETY: safety properties only (no never claim, no acceptance cycles); -DNOREDUCE: no
partial-order reduction (irrelevant with one process, set so counts can never shrink);
full state storage (no -DBITSTATE/-DHC/-DCOLLAPSE), so 'states, stored' is exact;
-m: a DFS stack deep enough for any path (a truncated search would miss states);
-w: a hash table at least twice the number of states. SPIN runs depth-first by default (its
fastest mode); -DBFS is its breadth-first mode, which searches in formal's order.
Compared: SPIN's 'states, stored' with formal's distinct states, 'transitions' with generated
states, pan's own elapsed time with formal's exploration time (both exclude start-up; pan's
compile time is printed separately)."""
import argparse, json, math, os, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def sh(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def spin(model, defines, states, mode, reps, work):
    d = os.path.join(work, f"{model}-{mode}")
    os.makedirs(d)
    sh(["spin", *defines, "-a", os.path.join(HERE, f"{model}.pml")], cwd=d)
    flags = ["-O3", "-DSAFETY", "-DNOREDUCE", "-DMEMLIM=16000"] + (["-DBFS"] if mode == "bfs" else [])
    t = time.time()
    sh(["gcc", *flags, "-o", "pan", "pan.c"], cwd=d)
    compile_s = time.time() - t
    w = max(10, math.ceil(math.log2(states + 1)) + 1)
    runs = []
    for _ in range(reps):
        out = sh(["./pan", f"-m{states + 1}", f"-w{w}"], cwd=d)
        def num(pattern):
            m = re.search(pattern, out)
            return float(m.group(1)) if m else None
        runs.append({
            "stored": int(num(r"(\d+) states, stored")),
            "transitions": int(num(r"(\d+) transitions \(= stored\+matched\)")),
            "errors": int(num(r"errors: (\d+)")),
            "elapsed": num(r"pan: elapsed time ([\d.e+-]+) seconds") or 0.0,
            "states_mb": num(r"([\d.]+)\s+actual memory usage for states") or num(r"([\d.]+)\s+equivalent memory usage for states"),
            "hash_mb": num(r"([\d.]+)\s+memory used for hash table") or 0.0,
            "total_mb": num(r"([\d.]+)\s+total actual memory usage"),
            "vector": int(num(r"State-vector (\d+) byte")),
        })
    return {"flags": " ".join(flags), "pan": f"-m{states + 1} -w{w}", "compile_s": compile_s, "runs": runs}


def formal(model, size_args, reps, workers, work):
    out = os.path.join(work, f"formal-{model}.json")
    sh([os.path.join(ROOT, "formal"), "bench", "--model", model, *size_args, "--reps", str(reps),
        "--workers", workers, "--json", out])
    with open(out) as f:
        return json.load(f)["rows"]


def median_run(runs, key):
    return sorted(runs, key=key)[len(runs) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--counters", default="7,9", help="N,M (default 7,9)")
    ap.add_argument("--philosophers", type=int, default=12)
    ap.add_argument("--workers", default=f"1,{os.cpu_count()}")
    args = ap.parse_args()
    for tool in ("spin", "gcc"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (apt-get install -y spin gcc)")
    n, m = args.counters.split(",")
    models = [
        ("counters", f"counters {n}x{m}", ["--counters", args.counters], [f"-DN={n}", f"-DM={m}"]),
        ("philosophers", f"philosophers {args.philosophers}", ["--philosophers", str(args.philosophers)], [f"-DN={args.philosophers}"]),
    ]
    spin_version = sh(["spin", "-V"]).strip()
    print(f"compare-spin: {os.cpu_count()} cores, {args.reps} runs per row (medians, [min-max]); {spin_version}; load average before: {loadavg()}")
    ok = True
    rows = []
    with tempfile.TemporaryDirectory(prefix="formal-spin-") as work:
        for model, label, size_args, defines in models:
            ours = formal(model, size_args, args.reps, args.workers, work)
            states = ours[0]["distinct_states"]
            for mode in ("dfs", "bfs"):
                s = spin(model, defines, states, mode, args.reps, work)
                rows.append((label, mode, s, ours))
    print(f"load average after: {loadavg()}\n")
    head = f"{'model':<17} {'tool':<22} {'states':>10} {'transitions':>12} {'states/s (median [min-max])':>32} {'B/state store':>13} {'B/state total':>13}"
    print(head)
    print("-" * len(head))
    printed = set()
    for label, mode, s, ours in rows:
        runs = s["runs"]
        med = median_run(runs, lambda r: r["elapsed"])
        rates = sorted(r["stored"] / max(r["elapsed"], 1e-9) for r in runs)
        store = (med["states_mb"] + med["hash_mb"]) * 2**20 / med["stored"]
        total = med["total_mb"] * 2**20 / med["stored"]
        spin_rate = med["stored"] / max(med["elapsed"], 1e-9)
        if label not in printed:
            printed.add(label)
            for r in ours:
                secs = sorted(r["seconds"])
                print(f"{label:<17} {'formal, ' + str(r['workers']) + ' worker' + ('s' if r['workers'] > 1 else ''):<22} {r['distinct_states']:>10,} {r['generated_states']:>12,} "
                      f"{r['median_distinct_per_s']:>12,.0f} [{r['distinct_states'] / secs[-1]:,.0f}-{r['distinct_states'] / secs[0]:,.0f}]".ljust(88)
                      + f" {r['seen_bytes_per_state']:>13.1f} {r['total_bytes_per_state']:>13.1f}")
        print(f"{label:<17} {'SPIN pan ' + mode.upper():<22} {med['stored']:>10,} {med['transitions']:>12,} "
              f"{spin_rate:>12,.0f} [{rates[0]:,.0f}-{rates[-1]:,.0f}]".ljust(88) + f" {store:>13.1f} {total:>13.1f}")
        for r in ours:
            ratio = r["median_distinct_per_s"] / spin_rate
            print(f"{'':<17}   ratio formal({r['workers']}) / SPIN {mode.upper()}: {ratio:.2f}x")
        agree = all(x["stored"] == ours[0]["distinct_states"] and x["transitions"] == ours[0]["generated_states"] and x["errors"] == 0 for x in runs)
        if not agree:
            ok = False
            print(f"{'':<17}   MISMATCH: SPIN stored {med['stored']:,} / {med['transitions']:,} transitions, formal {ours[0]['distinct_states']:,} / {ours[0]['generated_states']:,}")
        print(f"{'':<17}   SPIN: gcc {s['flags']} ({s['compile_s']:.1f} s), pan {s['pan']}, state vector {med['vector']} bytes")
    print("\nstates: SPIN 'states, stored' / formal distinct states; transitions: SPIN 'transitions' / formal generated states.")
    print("B/state store: SPIN states + hash table / formal seen set (fingerprints); total: SPIN total memory (with DFS stack) / formal seen set + parents + queues.")
    print("counts agree" if ok else "COUNTS DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
