"""The database figure's asyncpg client: TASKS concurrent tasks run QUERIES simple queries each
(SELECT $1::int) over an asyncpg pool of POOL connections, for warm-up rounds (at least --warmup
of them and --warmup-seconds seconds) and then measured rounds, on asyncio or (--uvloop) uvloop.
Prints RESULT qps <median> queries/s and RESULT cpu-us <mean> us/query (this process's CPU time
over the measured rounds, per query)."""
import argparse
import asyncio
import resource
import statistics
import sys
import time

import asyncpg


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def main(a):
    pool = await asyncpg.create_pool(host=a.host, port=a.port, user=a.user, database="postgres",
                                     min_size=a.pool, max_size=a.pool)
    expected = a.queries * (a.queries - 1) // 2

    async def worker():
        total = 0
        for q in range(a.queries):
            total += await pool.fetchval("SELECT $1::int", q)
        return total

    async def timed(name):
        c0, t0 = cpu(), time.perf_counter()
        sums = await asyncio.gather(*(worker() for _ in range(a.tasks)))
        wall, used = time.perf_counter() - t0, cpu() - c0
        if any(s != expected for s in sums):
            raise SystemExit("a worker's sum is wrong")
        n = a.tasks * a.queries
        print(f"{name}: {n / wall:.0f} queries/s, {used / n * 1e6:.2f} us CPU/query", file=sys.stderr)
        return n / wall, used / n * 1e6

    # The same warm-up rule as the JVM client: at least --warmup rounds and --warmup-seconds seconds.
    warm_start, warmed = time.perf_counter(), 0
    while warmed < a.warmup or time.perf_counter() - warm_start < a.warmup_seconds:
        warmed += 1
        await timed(f"warm-up {warmed}")
    qps, cpus = [], []
    for r in range(a.rounds):
        q, c = await timed(f"round {r}")
        qps.append(q)
        cpus.append(c)
    await pool.close()
    print(f"RESULT qps {statistics.median(qps):.1f} queries/s")
    print(f"RESULT cpu-us {statistics.mean(cpus):.3f} us/query")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", default="postgres")
    p.add_argument("--tasks", type=int, default=100)
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--pool", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--warmup-seconds", type=float, default=5.0)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--uvloop", action="store_true")
    a = p.parse_args()
    if a.uvloop:
        import uvloop
        uvloop.install()
    asyncio.run(main(a))
