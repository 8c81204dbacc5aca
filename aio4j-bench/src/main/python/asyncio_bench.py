#!/usr/bin/env python3
"""CPython asyncio (and uvloop) peers of the aio4j benchmark figures.

Usage: python3 asyncio_bench.py <figure> [--uvloop] [--quick]

Runs the asyncio version of one figure, repeats the measurement 5 times (after one discarded
warm-up run, except for gather and memory) and prints one machine-readable line with the median
for the harness (BenchMain.java):

    RESULT <figure> <median> <unit>

Figures (the same scenarios as aio4j, Kotlin and virtual threads; see BenchMain / Figure.java):
  ping-pong     two tasks alternately complete a future the other awaits     ns/switch
  sleep0        one task looping `await asyncio.sleep(0)`                     ns/iter
  sleep0-pair   two tasks each looping `await asyncio.sleep(0)`               ns/switch
  gather        spawn + gather 1,000,000 tasks that each sleep(0)             s
  memory        1,000,000 tasks parked on one never-completed future:
                process RSS delta per task (VmRSS), each run in a fresh interpreter  bytes/task
  queue         one producer task puts 1,000,000 ints into asyncio.Queue(64),
                one consumer task gets and sums them (sum checked)            ns/item
  lock          4 tasks each acquire one asyncio.Lock 50,000 times and
                `await asyncio.sleep(0)` while holding it (count checked)     ns/acquire
  asyncgen      an async generator yields 0 .. 999,999; two RESULT lines:    ns/item
                asyncgen-for: `async for v in agen(): s += v` (sum checked);
                asyncgen-comp: `[i async for i in agen() if i % 2]` (length, sum checked)
  timers        1,000,000 loop.call_later timers (delays 0-999 us), all fired  ns/timer
  semaphore     100,000 tasks through asyncio.Semaphore(50), sleep(0) held    ns/task
  timeout-scope `async with asyncio.timeout(10): ...` entered and left        ns/scope
  subprocess    200 child processes one after the other; two RESULT lines:   us/process
                subprocess-spawn: create_subprocess_exec("true", stdin=DEVNULL,
                stdout=DEVNULL) then wait(); subprocess-cat: "cat" with stdin and stdout
                PIPE, write b"hello\n", drain, readline (checked), close stdin, wait()

--quick divides the counts by 10 and measures once without warm-up (smoke run).
--uvloop runs on uvloop's event loop instead of asyncio's default one.

Timing is time.perf_counter around the whole `Runner.run(main())` call, like JMH times the whole
`Aio.run(...)` call on the Java side: loop start, the work, and freeing the tasks (which happens
when main() returns and its list of tasks is released) are all inside the measured interval.
"""

import asyncio
import gc
import os
import statistics
import subprocess
import sys
import time

# The same sizes as Workload.java on the JVM side; change both together.
PING_PONG_ROUNDS = 100_000  # 2 switches per round
SLEEP0_ITERATIONS = 1_000_000
SLEEP0_PAIR_ITERATIONS = 500_000  # per task; 2 switches per iteration pair
GATHER_TASKS = 1_000_000
MEMORY_TASKS = 1_000_000
QUEUE_ITEMS = 1_000_000
QUEUE_SIZE = 64
LOCK_TASKS = 4
LOCK_ACQUIRES_PER_TASK = 50_000
ASYNCGEN_ITEMS = 1_000_000
SUBPROCESS_COUNT = 200
TIMERS = 1_000_000
SEMAPHORE_TASKS = 100_000
SEMAPHORE_PERMITS = 50
TIMEOUT_SCOPES = 1_000_000


# --- scenarios: each returns the figure for one measurement -------------------------------------


def ping_pong(runner, rounds):
    """Each switch is one future completion plus one await (the wake-up goes through call_soon)."""

    async def player(box, me, rounds):
        loop = asyncio.get_running_loop()
        for _ in range(rounds):
            mine = loop.create_future()
            peer = box[1 - me]
            box[me] = mine
            peer.set_result(None)  # wake the peer...
            await mine  # ...and wait until it wakes us
        peer = box[1 - me]  # release the peer from its last await
        if not peer.done():
            peer.set_result(None)

    async def main():
        loop = asyncio.get_running_loop()
        box = [loop.create_future(), loop.create_future()]
        a = asyncio.create_task(player(box, 0, rounds))
        b = asyncio.create_task(player(box, 1, rounds))
        await a
        await b

    return timed(runner, main) * 1e9 / (2 * rounds)


def sleep0(runner, iterations):
    async def main():
        for _ in range(iterations):
            await asyncio.sleep(0)

    return timed(runner, main) * 1e9 / iterations


def sleep0_pair(runner, iterations):
    async def spin():
        for _ in range(iterations):
            await asyncio.sleep(0)

    async def main():
        await asyncio.gather(asyncio.create_task(spin()), asyncio.create_task(spin()))

    return timed(runner, main) * 1e9 / (2 * iterations)


def gather(runner, count):
    async def child():
        await asyncio.sleep(0)

    async def main():
        tasks = [asyncio.create_task(child()) for _ in range(count)]
        await asyncio.gather(*tasks)

    return timed(runner, main)


def queue(runner, items):
    """One producer puts 0 .. items-1, one consumer gets and sums them; the sum is checked."""

    async def produce(q):
        for i in range(items):
            await q.put(i)

    async def consume(q):
        total = 0
        for _ in range(items):
            total += await q.get()
        return total

    async def main():
        q = asyncio.Queue(QUEUE_SIZE)
        producer = asyncio.create_task(produce(q))
        consumer = asyncio.create_task(consume(q))
        await producer
        return await consumer

    return timed(runner, main, expect=items * (items - 1) // 2) * 1e9 / items


def lock(runner, per_task):
    """LOCK_TASKS tasks each acquire the lock per_task times, incrementing a shared counter across
    a sleep(0) while holding it: a broken mutual exclusion loses increments, and the count is
    checked."""

    async def main():
        lock = asyncio.Lock()
        shared = 0  # only touched with the lock held

        async def worker():
            nonlocal shared
            for _ in range(per_task):
                async with lock:
                    seen = shared
                    await asyncio.sleep(0)
                    shared = seen + 1

        await asyncio.gather(*(asyncio.create_task(worker()) for _ in range(LOCK_TASKS)))
        return shared

    return timed(runner, main, expect=LOCK_TASKS * per_task) * 1e9 / (LOCK_TASKS * per_task)


def asyncgen(runner, items):
    """ns per item through an async generator that never awaits: each item is one __anext__ of
    the generator, driven by the consuming coroutine's own frame (no task switch, no trip through
    the event loop, so asyncio's and uvloop's loops do the same work here). Returns both lines."""

    async def agen(n):
        for i in range(n):
            yield i

    async def summed():
        total = 0
        async for v in agen(items):
            total += v
        return total

    async def comprehension():
        return [i async for i in agen(items) if i % 2]

    per_item = timed(runner, summed, expect=items * (items - 1) // 2) * 1e9 / items
    start = time.perf_counter()
    odd = runner.run(comprehension())
    comp_per_item = (time.perf_counter() - start) * 1e9 / items
    half = items // 2  # the odd numbers below items, which sum to half * half
    if len(odd) != half or sum(odd) != half * half:
        raise RuntimeError(f"check failed: the comprehension kept {len(odd)} items summing to {sum(odd)}, "
                           f"expected {half} summing to {half * half}")
    return {"asyncgen-for": per_item, "asyncgen-comp": comp_per_item}


def subprocess_figure(runner, count):
    """us per child process, spawned and waited for one after the other (figure 11)."""

    async def spawn():
        for _ in range(count):
            p = await asyncio.create_subprocess_exec("true", stdin=asyncio.subprocess.DEVNULL,
                                                     stdout=asyncio.subprocess.DEVNULL)
            if await p.wait() != 0:
                raise RuntimeError(f"true exited with {p.returncode}")

    async def cat():
        for _ in range(count):
            p = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE,
                                                     stdout=asyncio.subprocess.PIPE)
            p.stdin.write(b"hello\n")
            await p.stdin.drain()
            line = await p.stdout.readline()
            if line != b"hello\n":
                raise RuntimeError(f"cat echoed {line!r}")
            p.stdin.close()
            if await p.wait() != 0:
                raise RuntimeError(f"cat exited with {p.returncode}")

    return {"subprocess-spawn": timed(runner, spawn) * 1e6 / count,
            "subprocess-cat": timed(runner, cat) * 1e6 / count}


def memory_once(runner, count):
    """RSS delta per task of `count` tasks parked on one future; run in a fresh interpreter."""

    async def parked(never):
        await never

    async def main():
        loop = asyncio.get_running_loop()
        never = loop.create_future()
        tasks = [None] * count  # allocated before the first reading: only the tasks are counted
        gc.collect()
        before = rss_bytes()
        for i in range(count):
            tasks[i] = asyncio.create_task(parked(never))
        # Every task was queued before this sleep's wake-up, so after two yields all of them have
        # run their first step and are parked on `never`.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        gc.collect()
        return (rss_bytes() - before) / count

    return runner.run(main())


def timers(runner, count):
    """count call_later timers (delays 0-999 us) scheduled, then all fired: ns per timer."""

    async def main():
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        fired = 0

        def callback():
            nonlocal fired
            fired += 1
            if fired == count:
                done.set_result(fired)

        for i in range(count):
            loop.call_later((i % 1000) * 1e-6, callback)
        return await done

    return timed(runner, main, expect=count) * 1e9 / count


def semaphore(runner, count):
    """count tasks through asyncio.Semaphore(SEMAPHORE_PERMITS), each sleep(0) while holding: ns per task."""

    async def main():
        sem = asyncio.Semaphore(SEMAPHORE_PERMITS)
        passed = 0

        async def worker():
            nonlocal passed
            async with sem:
                await asyncio.sleep(0)
                passed += 1

        await asyncio.gather(*(worker() for _ in range(count)))
        return passed

    return timed(runner, main, expect=count) * 1e9 / count


def timeout_scope(runner, count):
    """count `async with asyncio.timeout(10)` scopes entered and left without firing: ns per scope."""

    async def main():
        ran = 0
        for _ in range(count):
            async with asyncio.timeout(10):
                ran += 1
        return ran

    return timed(runner, main, expect=count) * 1e9 / count


# --- helpers ---------------------------------------------------------------------------------------


def timed(runner, main, expect=None):
    """Seconds that runner.run(main()) takes; if expect is given, main()'s result must equal it."""
    start = time.perf_counter()
    result = runner.run(main())
    elapsed = time.perf_counter() - start
    if expect is not None and result != expect:
        raise RuntimeError(f"check failed: {main.__qualname__} returned {result!r}, expected {expect!r}")
    return elapsed


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024  # reported in kB
    raise RuntimeError("no VmRSS in /proc/self/status")


def loop_factory(use_uvloop):
    if not use_uvloop:
        return None  # asyncio's default event loop
    try:
        import uvloop  # noqa: PLC0415 - only needed (and often only installed) for this peer
    except ImportError:
        sys.exit(f"uvloop is unavailable for {sys.executable}; install it with: "
                 "apt-get install python3-uvloop")
    return uvloop.new_event_loop


SCENARIOS = {
    # figure: (function, full count, unit)
    "ping-pong": (ping_pong, PING_PONG_ROUNDS, "ns/switch"),
    "sleep0": (sleep0, SLEEP0_ITERATIONS, "ns/iter"),
    "sleep0-pair": (sleep0_pair, SLEEP0_PAIR_ITERATIONS, "ns/switch"),
    "gather": (gather, GATHER_TASKS, "s"),
    "queue": (queue, QUEUE_ITEMS, "ns/item"),
    "lock": (lock, LOCK_ACQUIRES_PER_TASK, "ns/acquire"),
    "asyncgen": (asyncgen, ASYNCGEN_ITEMS, "ns/item"),  # returns {key: value}: several lines
    "subprocess": (subprocess_figure, SUBPROCESS_COUNT, "us/process"),  # {key: value} too
    "timers": (timers, TIMERS, "ns/timer"),
    "semaphore": (semaphore, SEMAPHORE_TASKS, "ns/task"),
    "timeout-scope": (timeout_scope, TIMEOUT_SCOPES, "ns/scope"),
}


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a for a in argv[1:] if a.startswith("--")}
    unknown = flags - {"--uvloop", "--quick"}
    if len(args) != 1 or unknown:
        sys.exit(f"usage: {argv[0]} <figure> [--uvloop] [--quick]; "
                 f"figures: {', '.join(list(SCENARIOS) + ['memory'])}")
    figure = args[0]
    use_uvloop = "--uvloop" in flags
    quick = "--quick" in flags
    scale = 10 if quick else 1
    runs = 1 if quick else 5
    factory = loop_factory(use_uvloop)

    if figure == "memory-once":  # internal: one measurement, in this (fresh) interpreter
        runner = asyncio.Runner(loop_factory=factory)
        print(f"RESULT memory-rss {memory_once(runner, MEMORY_TASKS // scale):.1f} bytes/task",
              flush=True)
        # Skip the runner's teardown (cancelling and collecting a million parked tasks takes longer
        # than the measurement itself); this interpreter exists only for the one reading.
        os._exit(0)
    if figure == "memory":
        child = [sys.executable, __file__, "memory-once"] + sorted(flags)
        samples = []
        for _ in range(runs):
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            samples += [float(line.split()[2]) for line in out.splitlines()
                        if line.startswith("RESULT memory-rss ")]
        print(f"RESULT memory-rss {statistics.median(samples):.1f} bytes/task")
        return
    if figure not in SCENARIOS:
        sys.exit(f"unknown figure {figure!r}; figures: {', '.join(list(SCENARIOS) + ['memory'])}")

    scenario, count, unit = SCENARIOS[figure]
    count //= scale
    # CPython has no JIT to warm up, but the first run also grows the allocator's arenas; one
    # warm-up run is discarded, except for the gather figure (whose 1M tasks take ~15 s per run
    # here and warm the allocator up within the run) and in quick mode.
    warmups = 0 if quick or figure == "gather" else 1
    samples = {}  # RESULT key -> values; a scenario returns one value, or a dict of them by key
    for i in range(warmups + runs):
        with asyncio.Runner(loop_factory=factory) as runner:
            value = scenario(runner, count)
        if i >= warmups:
            for key, v in (value if isinstance(value, dict) else {figure: value}).items():
                samples.setdefault(key, []).append(v)
        gc.collect()
    for key, values in samples.items():
        print(f"RESULT {key} {statistics.median(values):.6g} {unit}")


if __name__ == "__main__":
    main(sys.argv)
