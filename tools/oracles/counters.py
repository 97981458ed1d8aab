"""N counters modulo M: distinct states, depth and generated count by BFS (small N, M)."""
from collections import deque

def count(n, m):
    init = (0,) * n
    depth = {init: 1}
    q = deque([init])
    gen = 1
    while q:
        s = q.popleft()
        for i in range(n):
            t = s[:i] + ((s[i] + 1) % m,) + s[i+1:]
            gen += 1
            if t not in depth:
                depth[t] = depth[s] + 1
                q.append(t)
    return len(depth), max(depth.values()), gen

for n, m in [(3, 4), (2, 5), (4, 3), (5, 5)]:
    d, depth, gen = count(n, m)
    print(f"N={n} M={m}: distinct {d} (M^N = {m**n}), depth {depth} (N*(M-1)+1 = {n*(m-1)+1}), generated {gen}")
