"""Two-phase commit (Lamport's TwoPhase) for N resource managers, N = 1..4."""
from collections import deque
import sys

W, P, C, A = "working", "prepared", "committed", "aborted"

def count(n):
    init = (tuple([W] * n), "init", frozenset(), frozenset(), False, False)
    seen = {init: 1}
    q = deque([init])
    gen = 1
    while q:
        s = q.popleft()
        rm, tm, tmp, mp, mc, ma = s
        nxt = []
        for r in range(n):
            if tm == "init" and r in mp:
                nxt.append((rm, tm, tmp | {r}, mp, mc, ma))
        if tm == "init" and tmp == frozenset(range(n)):
            nxt.append((rm, "committed", tmp, mp, True, ma))
        if tm == "init":
            nxt.append((rm, "aborted", tmp, mp, mc, True))
        for r in range(n):
            if rm[r] == W:
                nxt.append((rm[:r] + (P,) + rm[r+1:], tm, tmp, mp | {r}, mc, ma))
                nxt.append((rm[:r] + (A,) + rm[r+1:], tm, tmp, mp, mc, ma))
            if mc:
                nxt.append((rm[:r] + (C,) + rm[r+1:], tm, tmp, mp, mc, ma))
            if ma:
                nxt.append((rm[:r] + (A,) + rm[r+1:], tm, tmp, mp, mc, ma))
        for t in nxt:
            gen += 1
            assert not (A in t[0] and C in t[0])
            if t not in seen:
                seen[t] = seen[s] + 1
                q.append(t)
    return len(seen), max(seen.values()), gen

for n in range(1, 5):
    d, depth, gen = count(n)
    print(f"N={n}: distinct {d}, depth {depth}, generated {gen}")
