/*
 * toe-demo-hot: a CPU-bound sample target for TOE's perf tool. Nearly all of its time is spent in
 * toe_demo_hot_loop, called through toe_demo_work, so a CPU profile must name both. Built statically at -O0 with
 * frame pointers (`gcc -O0 -g -fno-omit-frame-pointer -static`): at -O1 and above GCC drops the frame of a leaf
 * function such as the hot loop, and a frame-pointer call graph (perf -g) then skips its caller.
 *
 * It exits on SIGTERM (a handler, so it also stops when it is PID 1 of its container). Usage: toe-demo-hot [busy%]
 * (default 100: every cycle busy; 50 sleeps as long as it works).
 */
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;
static volatile sig_atomic_t stop;

__attribute__((noinline)) unsigned long toe_demo_hot_loop(unsigned long n) {
  unsigned long x = 0;
  for (unsigned long i = 0; i < n; i++) x = x * 6364136223846793005UL + i;
  return x;
}

__attribute__((noinline)) void toe_demo_work(void) { sink += toe_demo_hot_loop(20000000UL); }

static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int busy = argc > 1 ? atoi(argv[1]) : 100;
  if (busy < 1 || busy > 100) busy = 100;
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  while (!stop) {
    double t0 = now();
    toe_demo_work();
    if (busy < 100) usleep((useconds_t)((now() - t0) * 1e6 * (100 - busy) / busy));
  }
  return 0;
}
