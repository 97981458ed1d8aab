"""Peterson's algorithm for two processes, one atomic step per line (as spec/examples/peterson.yaml)."""
from collections import deque

IDLE, SET_FLAG, SET_TURN, WAITING, CRITICAL = range(5)

def succ(s):
    pc, flag, turn = s
    out = []
    for i in (0, 1):
        p, f = list(pc), list(flag)
        t = turn
        if pc[i] == IDLE:
            p[i] = SET_FLAG
        elif pc[i] == SET_FLAG:
            f[i] = True; p[i] = SET_TURN
        elif pc[i] == SET_TURN:
            t = 1 - i; p[i] = WAITING
        elif pc[i] == WAITING:
            if not flag[1 - i] or turn == i:
                p[i] = CRITICAL
            else:
                continue
        elif pc[i] == CRITICAL:
            f[i] = False; p[i] = IDLE
        out.append((tuple(p), tuple(f), t))
    return out

init = ((IDLE, IDLE), (False, False), 0)
depth = {init: 1}
q = deque([init])
deadlocks = 0
while q:
    s = q.popleft()
    assert not (s[0][0] == CRITICAL and s[0][1] == CRITICAL)
    n = succ(s)
    deadlocks += not n
    for t in n:
        if t not in depth:
            depth[t] = depth[s] + 1
            q.append(t)
print("distinct states:", len(depth), "depth:", max(depth.values()), "deadlocks:", deadlocks)
