/* N counters modulo M, as spec/examples/counters.yaml: any one counter steps forward, wrapping
 * from M-1 to 0. Exactly M^N reachable states. Build: spin -DN=7 -DM=9 -a counters.pml
 * One process whose loop offers one atomic (d_step) step per counter, so every stored state is a
 * state of the spec (the process is always at the loop head); the loop head is a valid end state.
 * Options for counters N..15 are never executable (their first statement is false). */
#ifndef N
#define N 7
#endif
#ifndef M
#define M 9
#endif

byte c[N];

#define INC(k) :: d_step { k < N; c[k] = (c[k] + 1) % M }

active proctype counters()
{
end:
    do
    INC(0) INC(1) INC(2) INC(3) INC(4) INC(5) INC(6) INC(7)
    INC(8) INC(9) INC(10) INC(11) INC(12) INC(13) INC(14) INC(15)
    od
}
