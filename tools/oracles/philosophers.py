"""Dining philosophers (as spec/examples/philosophers.yaml): N philosophers round a table, fork i
between philosopher i (on its left) and philosopher i-1. Each one: think -> hungry -> take the
left fork -> take the right fork -> eat -> put both down. Distinct states, depth, generated
successors and deadlocked states by plain BFS over tuples."""
import sys
from collections import deque

THINKING, HUNGRY, HAS_LEFT, EATING = range(4)

def succ(s, n):
    pc, fork = s
    out = []
    for i in range(n):
        right = (i + 1) % n
        p, f = list(pc), list(fork)
        if pc[i] == THINKING:
            p[i] = HUNGRY
        elif pc[i] == HUNGRY and not fork[i]:
            f[i] = True; p[i] = HAS_LEFT
        elif pc[i] == HAS_LEFT and not fork[right]:
            f[right] = True; p[i] = EATING
        elif pc[i] == EATING:
            f[i] = False; f[right] = False; p[i] = THINKING
        else:
            continue
        out.append((tuple(p), tuple(f)))
    return out

def count(n):
    init = ((THINKING,) * n, (False,) * n)
    depth = {init: 1}
    q = deque([init])
    gen, dead = 1, 0
    while q:
        s = q.popleft()
        ss = succ(s, n)
        dead += not ss
        for t in ss:
            gen += 1
            if t not in depth:
                depth[t] = depth[s] + 1
                q.append(t)
    return len(depth), max(depth.values()), gen, dead

for n in [int(a) for a in sys.argv[1:]] or [2, 3, 4, 5, 6, 8, 10]:
    d, depth, gen, dead = count(n)
    print(f"N={n}: distinct {d}, depth {depth}, generated {gen}, deadlocked {dead}")
