"""Die Hard jugs (3 and 5 gallons): reachable states and the shortest path to big == 4."""
from collections import deque

SMALL, BIG = 3, 5

def succ(s):
    small, big = s
    pour_sb = min(small, BIG - big)
    pour_bs = min(big, SMALL - small)
    return [("FillSmall", (SMALL, big)), ("FillBig", (small, BIG)), ("EmptySmall", (0, big)),
            ("EmptyBig", (small, 0)), ("SmallToBig", (small - pour_sb, big + pour_sb)),
            ("BigToSmall", (small + pour_bs, big - pour_bs))]

init = (0, 0)
parent = {init: None}
q = deque([init])
first_four = None
while q:
    s = q.popleft()
    if s[1] == 4 and first_four is None:
        first_four = s
    for a, t in succ(s):
        if t not in parent:
            parent[t] = (s, a)
            q.append(t)
path = []
s = first_four
while parent[s] is not None:
    s, a = parent[s][0], parent[s][1]
    path.append(a)
print("distinct states:", len(parent))
print("shortest path to big == 4:", len(path), "steps:", list(reversed(path)))
