"""State-graph facts for peterson and two_phase_commit, by plain Python (no graph library):
strongly connected components (Tarjan), cyclic and terminal components, states from which a
predicate can never again hold, cycles avoiding a progress predicate, and shortest paths
between predicate states. The successor functions are written anew from the specs."""
from collections import deque
import sys

sys.setrecursionlimit(100000)

# ---- peterson (spec/examples/peterson.yaml)
IDLE, SET_FLAG, SET_TURN, WAITING, CRITICAL = range(5)

def peterson_succ(s):
    pc, flag, turn = s
    out = []
    for i in (0, 1):
        p, f, t = list(pc), list(flag), turn
        if pc[i] == IDLE: p[i] = SET_FLAG
        elif pc[i] == SET_FLAG: f[i] = True; p[i] = SET_TURN
        elif pc[i] == SET_TURN: t = 1 - i; p[i] = WAITING
        elif pc[i] == WAITING:
            if not flag[1 - i] or turn == i: p[i] = CRITICAL
            else: continue
        else: f[i] = False; p[i] = IDLE
        out.append((tuple(p), tuple(f), t))
    return out

PETERSON_INIT = ((IDLE, IDLE), (False, False), 0)

# ---- two-phase commit (spec/examples/two_phase_commit.yaml)
W, P, C, A = "working", "prepared", "committed", "aborted"

def tpc_succ(n):
    def succ(s):
        rm, tm, tmp, mp, mc, ma = s
        nxt = []
        for r in range(n):
            if tm == "init" and r in mp: nxt.append((rm, tm, tmp | {r}, mp, mc, ma))
        if tm == "init" and tmp == frozenset(range(n)): nxt.append((rm, "committed", tmp, mp, True, ma))
        if tm == "init": nxt.append((rm, "aborted", tmp, mp, mc, True))
        for r in range(n):
            if rm[r] == W: nxt.append((rm[:r] + (P,) + rm[r+1:], tm, tmp, mp | {r}, mc, ma))
        for r in range(n):
            if rm[r] == W: nxt.append((rm[:r] + (A,) + rm[r+1:], tm, tmp, mp, mc, ma))
        for r in range(n):
            if mc: nxt.append((rm[:r] + (C,) + rm[r+1:], tm, tmp, mp, mc, ma))
        for r in range(n):
            if ma: nxt.append((rm[:r] + (A,) + rm[r+1:], tm, tmp, mp, mc, ma))
        return nxt
    return succ

def tpc_init(n):
    return (tuple([W] * n), "init", frozenset(), frozenset(), False, False)

def explore(init, succ):
    index, edges = {init: 0}, []
    order, q = [init], deque([init])
    while q:
        s = q.popleft()
        for t in succ(s):
            if t not in index:
                index[t] = len(order); order.append(t); q.append(t)
            edges.append((index[s], index[t]))
    return order, edges

def sccs(n, edges, keep=lambda v: True):
    adj = [[] for _ in range(n)]
    for a, b in edges:
        if keep(a) and keep(b): adj[a].append(b)
    idx, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    def strong(v):
        idx[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
        for w in adj[v]:
            if w not in idx: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            comps.append(sorted(comp))
    for v in range(n):
        if keep(v) and v not in idx: strong(v)
    comp_of = {v: i for i, c in enumerate(comps) for v in c}
    cyclic = [c for c in comps if len(c) > 1 or c[0] in adj[c[0]]]
    terminal = [c for i, c in enumerate(comps) if all(comp_of[w] == i for v in c for w in adj[v])]
    return comps, cyclic, terminal

def never_again(n, edges, holds):
    radj = [[] for _ in range(n)]
    for a, b in edges: radj[b].append(a)
    seen = {v for v in range(n) if holds(v)}
    q = deque(seen)
    while q:
        v = q.popleft()
        for u in radj[v]:
            if u not in seen: seen.add(u); q.append(u)
    return [v for v in range(n) if v not in seen]

def shortest(n, edges, sources, goal):
    adj = [[] for _ in range(n)]
    for a, b in edges: adj[a].append(b)
    dist = {s: 0 for s in sources}
    q = deque(sorted(sources))
    while q:
        v = q.popleft()
        if goal(v): return dist[v]
        for w in adj[v]:
            if w not in dist: dist[w] = dist[v] + 1; q.append(w)
    return None

order, edges = explore(PETERSON_INIT, peterson_succ)
comps, cyclic, terminal = sccs(len(order), edges)
crit0 = lambda v: order[v][0][0] == CRITICAL
_, np_cyclic, _ = sccs(len(order), edges, keep=lambda v: not crit0(v))
print(f"peterson: {len(order)} states, {len(edges)} transitions, {len(comps)} SCCs, {len(cyclic)} cyclic, {len(terminal)} terminal; "
      f"never again pc[0]==critical: {len(never_again(len(order), edges, crit0))}; "
      f"non-progress (pc[0]==critical) cyclic components: {len(np_cyclic)} with {sum(map(len, np_cyclic))} states")

for n in (1, 2, 3):
    order, edges = explore(tpc_init(n), tpc_succ(n))
    comps, cyclic, terminal = sccs(len(order), edges)
    tm_init = lambda v: order[v][1] == "init"
    committed = lambda v: order[v][1] == "committed"
    path = shortest(len(order), edges, [v for v in range(len(order)) if tm_init(v)], committed)
    print(f"two_phase_commit N={n}: {len(order)} states, {len(edges)} transitions, {len(comps)} SCCs, {len(cyclic)} cyclic, "
          f"{len(terminal)} terminal; never again tm==tm_init: {len(never_again(len(order), edges, tm_init))}; "
          f"shortest tm==tm_init -> tm==tm_committed: {path}")
