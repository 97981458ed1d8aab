"""Planted bugs in Peterson's algorithm (used by the explorer tests):
  turn_first: set turn before the flag (the classic broken order) -> mutual exclusion fails;
  flags_only: wait only on the other's flag -> both can wait forever (deadlock).
Prints the shortest violation length (steps) found by BFS."""
from collections import deque

IDLE, FIRST, SECOND, WAITING, CRITICAL = range(5)

def succ(s, variant):
    pc, flag, turn = s
    out = []
    for i in (0, 1):
        p, f, t = list(pc), list(flag), turn
        if pc[i] == IDLE:
            p[i] = FIRST
        elif pc[i] == FIRST:
            if variant == "turn_first": t = 1 - i
            else: f[i] = True
            p[i] = SECOND
        elif pc[i] == SECOND:
            if variant == "turn_first": f[i] = True
            else: t = 1 - i
            p[i] = WAITING
        elif pc[i] == WAITING:
            ok = (not flag[1 - i]) if variant == "flags_only" else (not flag[1 - i] or turn == i)
            if not ok: continue
            p[i] = CRITICAL
        elif pc[i] == CRITICAL:
            f[i] = False; p[i] = IDLE
        out.append((tuple(p), tuple(f), t))
    return out

for variant in ("turn_first", "flags_only"):
    init = ((IDLE, IDLE), (False, False), 0)
    depth = {init: 0}
    q = deque([init])
    found = None
    while q and found is None:
        s = q.popleft()
        if s[0] == (CRITICAL, CRITICAL):
            found = ("mutual exclusion", depth[s]); break
        n = succ(s, variant)
        if not n:
            found = ("deadlock", depth[s]); break
        for t in n:
            if t not in depth:
                depth[t] = depth[s] + 1
                q.append(t)
    print(variant, "->", found[0], "after", found[1], "steps")
