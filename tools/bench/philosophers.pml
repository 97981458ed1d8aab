/* Dining philosophers, as spec/examples/philosophers.yaml: philosopher k thinks, gets hungry,
 * takes fork k (left), then fork (k+1)%N (right), eats, and puts both down. Build:
 * spin -DN=12 -a philosophers.pml. One process, one atomic (d_step) step per action and
 * philosopher, so every stored state is a state of the spec; the loop head is a valid end state
 * (the all-left-forks deadlock is not reported, as in the spec with deadlock checking off).
 * The spec's invariant (neighbours never eat together) is asserted when a philosopher starts
 * eating, the only step that could break it. Options for philosophers N..15 never run. */
#ifndef N
#define N 12
#endif

#define THINKING 0
#define HUNGRY 1
#define HAS_LEFT 2
#define EATING 3

byte pc[N];
bool fork[N];

#define R(k) ((k + 1) % N)
#define L(k) ((k + N - 1) % N)
#define PHIL(k) \
    :: d_step { k < N && pc[k] == THINKING; pc[k] = HUNGRY } \
    :: d_step { k < N && pc[k] == HUNGRY && !fork[k]; fork[k] = true; pc[k] = HAS_LEFT } \
    :: d_step { k < N && pc[k] == HAS_LEFT && !fork[R(k)]; fork[R(k)] = true; pc[k] = EATING; \
                assert(pc[R(k)] != EATING && pc[L(k)] != EATING) } \
    :: d_step { k < N && pc[k] == EATING; fork[k] = false; fork[R(k)] = false; pc[k] = THINKING }

active proctype philosophers()
{
end:
    do
    PHIL(0) PHIL(1) PHIL(2) PHIL(3) PHIL(4) PHIL(5) PHIL(6) PHIL(7)
    PHIL(8) PHIL(9) PHIL(10) PHIL(11) PHIL(12) PHIL(13) PHIL(14) PHIL(15)
    od
}
