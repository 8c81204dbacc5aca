package org.aio4j.bench

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelChildren
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.produce
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.yield
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.microseconds
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit

/**
 * The kotlinx.coroutines peers of the figures, on a single thread: every scenario runs inside
 * `runBlocking` on the calling thread, whose event loop is kotlinx's own single-threaded
 * dispatcher, as aio4j's loop is. Each method returns the median figure of [Plan.runs] warmed-up
 * measurements (see [Samples.medianOf]); the Java harness calls them as static methods.
 */
object KotlinPeers {
    /*
     * The mapping of the scenarios:
     * - a Future is a CompletableDeferred; completing it dispatches the awaiting coroutine to the
     *   runBlocking event loop's queue, as asyncio's call_soon does;
     * - sleep(0) is yield(): in runBlocking it always suspends and requeues the coroutine at the back
     *   of the event loop's queue (delay(0) would return without suspending);
     * - a task is launch { } (or async { } where a result is gathered); gather is awaitAll();
     * - the queue is a Channel<Int>(64) (send/receive suspend when full/empty), the lock a Mutex
     *   (FIFO: unlock hands the lock to the first waiter).
     * Each measured interval is the whole runBlocking call, as JMH times the whole Aio.run call.
     *
     * Figure 9 (async generators) has four peers, one per way Kotlin produces a stream of values:
     * - flow { emit } .collect { }: push; the collector's lambda is called from inside emit, on the
     *   same stack, as aio4j's forEach calls the consumer at each yield (the figure's named peer);
     * - flow.filter { }.toList(): the comprehension, fused operators on the same push path;
     * - sequence { yield }: pull; a stackless coroutine resumed by the iterator's hasNext/next (a
     *   state-machine call, no stack switch), the closest analogue of aio4j's for loop;
     * - produce { send } over a rendezvous Channel, consumed by a for loop: pull across two
     *   coroutines, each item a suspension and a resumption of each side through the event loop.
     * The sequence needs no coroutine scope; it still runs inside runBlocking, as every scenario.
     */

    /** Figure 1: ns per switch of two coroutines completing a deferred the other awaits. */
    @JvmStatic
    fun pingPong(plan: Plan): Double {
        val rounds = plan.count(Workload.PING_PONG_ROUNDS)
        return Samples.medianOf(plan) { timed { pingPongOnce(rounds) } / (2.0 * rounds) }
    }

    /** Figure 2: ns per `yield()` of one coroutine. */
    @JvmStatic
    fun sleep0(plan: Plan): Double {
        val iterations = plan.count(Workload.SLEEP0_ITERATIONS)
        return Samples.medianOf(plan) {
            timed { runBlocking { repeat(iterations) { yield() } } } / iterations
        }
    }

    /** Figure 3: ns per switch of two coroutines each looping `yield()`. */
    @JvmStatic
    fun sleep0Pair(plan: Plan): Double {
        val iterations = plan.count(Workload.SLEEP0_PAIR_ITERATIONS)
        return Samples.medianOf(plan) {
            timed {
                runBlocking {
                    repeat(2) { launch { repeat(iterations) { yield() } } }
                }
            } / (2.0 * iterations)
        }
    }

    /** Figure 4: seconds to spawn a million coroutines that each yield once, and await them all. */
    @JvmStatic
    fun gather(plan: Plan): Double {
        val count = plan.count(Workload.GATHER_TASKS)
        return Samples.medianOf(plan) {
            timed {
                runBlocking {
                    List(count) { async { yield() } }.awaitAll()
                }
            } / 1e9
        }
    }

    /** Figure 6: ns per item that a producer coroutine sends to a consumer through a Channel(64). */
    @JvmStatic
    fun queue(plan: Plan): Double {
        val items = plan.count(Workload.QUEUE_ITEMS)
        return Samples.medianOf(plan) { timed { queueOnce(items) } / items }
    }

    /**
     * Figure 7: ns per `lock()` of a Mutex that 4 coroutines contend for, each calling `yield()`
     * while holding it.
     */
    @JvmStatic
    fun lock(plan: Plan): Double {
        val perTask = plan.count(Workload.LOCK_ACQUIRES_PER_TASK)
        return Samples.medianOf(plan) {
            timed { lockOnce(Workload.LOCK_TASKS, perTask) } / (Workload.LOCK_TASKS.toDouble() * perTask)
        }
    }

    /**
     * Figure 9: ns per item for each of the four peers (see above), by RESULT key. Every consumer's
     * work is checked (the sum of 0 until items, or the odd numbers below items).
     */
    @JvmStatic
    fun asyncGen(plan: Plan): Map<String, Double> {
        val items = plan.count(Workload.ASYNCGEN_ITEMS)
        val perItem = { once: (Int) -> Unit -> Samples.medianOf(plan) { timed { once(items) } / items } }
        return linkedMapOf(
            "asyncgen-flow" to perItem(::flowOnce),
            "asyncgen-flow-filter-tolist" to perItem(::flowFilterToListOnce),
            "asyncgen-sequence" to perItem(::sequenceOnce),
            "asyncgen-channel" to perItem(::channelOnce),
        )
    }

    private fun flowOnce(items: Int) {
        val sum = runBlocking {
            var total = 0L
            flow { for (i in 0 until items) emit(i) }.collect { total += it }
            total
        }
        Workload.checkGeneratorSum(items, sum)
    }

    private fun flowFilterToListOnce(items: Int) {
        val odd = runBlocking {
            flow { for (i in 0 until items) emit(i) }.filter { it % 2 == 1 }.toList()
        }
        Workload.checkOddList(items, odd)
    }

    private fun sequenceOnce(items: Int) {
        val sum = runBlocking {
            var total = 0L
            for (v in sequence { for (i in 0 until items) yield(i) }) total += v
            total
        }
        Workload.checkGeneratorSum(items, sum)
    }

    @OptIn(ExperimentalCoroutinesApi::class) // produce is marked experimental, and stable in practice
    private fun channelOnce(items: Int) {
        val sum = runBlocking {
            val channel = produce(capacity = Channel.RENDEZVOUS) { for (i in 0 until items) send(i) }
            var total = 0L
            for (v in channel) total += v
            total
        }
        Workload.checkGeneratorSum(items, sum)
    }

    /**
     * Figure 5 (one measurement; call in a fresh JVM): memory per coroutine suspended in `await()`
     * of one never-completed CompletableDeferred.
     */
    @JvmStatic
    fun parkedCoroutineMemory(plan: Plan): TaskMemory {
        val count = plan.count(Workload.MEMORY_TASKS)
        return runBlocking {
            val never = CompletableDeferred<Unit>()
            val jobs = ArrayList<Job>(count) // allocated before the baseline: only tasks count
            val probe = MemoryProbe.baseline()
            repeat(count) { jobs.add(launch { never.await() }) }
            // Every coroutine was queued before this one's resumption, so after yielding all of
            // them have started and are suspended on `never`.
            yield()
            yield()
            val memory = probe.perTask(count)
            coroutineContext.cancelChildren()
            memory
        }
    }

    /** One producer sends 0 until items, one consumer receives and sums them (checked). */
    private fun queueOnce(items: Int) {
        val sum = runBlocking {
            val channel = Channel<Int>(Workload.QUEUE_SIZE)
            launch { repeat(items) { channel.send(it) } }
            val consumer = async {
                var total = 0L
                repeat(items) { total += channel.receive() }
                total
            }
            consumer.await()
        }
        Workload.checkQueueSum(items, sum)
    }

    /**
     * [tasks] coroutines each lock one Mutex [acquiresPerTask] times, incrementing a shared counter
     * across a `yield()` (checked).
     */
    private fun lockOnce(tasks: Int, acquiresPerTask: Int) {
        val counter = runBlocking {
            val mutex = Mutex()
            var shared = 0 // only touched with the mutex held
            coroutineScope {
                repeat(tasks) {
                    launch {
                        repeat(acquiresPerTask) {
                            mutex.withLock {
                                val seen = shared
                                yield()
                                shared = seen + 1
                            }
                        }
                    }
                }
            }
            shared
        }
        Workload.checkLockCount(tasks, acquiresPerTask, counter)
    }

    private fun pingPongOnce(rounds: Int) = runBlocking {
        val box = arrayOf(CompletableDeferred<Unit>(), CompletableDeferred<Unit>())
        launch { player(box, 0, rounds) }
        launch { player(box, 1, rounds) }
    }

    /**
     * One side of ping-pong: wake the peer by completing the deferred it awaits, then await our
     * own. Both run on the one runBlocking thread, so the shared box needs no synchronisation.
     */
    private suspend fun player(box: Array<CompletableDeferred<Unit>>, me: Int, rounds: Int) {
        repeat(rounds) {
            val mine = CompletableDeferred<Unit>()
            val peer = box[1 - me]
            box[me] = mine
            peer.complete(Unit)
            mine.await()
        }
        box[1 - me].complete(Unit) // releases the peer from its last await (no-op if done)
    }

    private inline fun timed(block: () -> Unit): Double {
        val start = System.nanoTime()
        block()
        return Samples.since(start)
    }

    /**
     * Figure 16: ns per timer. kotlinx has no public callback timer on its event loop, so each timer
     * is a coroutine that `delay`s (delays 0-999 us; kotlinx rounds a delay up to whole milliseconds,
     * and does not suspend for 0).
     */
    @JvmStatic
    fun timers(plan: Plan): Double {
        val count = plan.count(Workload.TIMERS)
        return Samples.medianOf(plan) {
            timed {
                val fired = runBlocking {
                    var n = 0
                    coroutineScope {
                        repeat(count) { i ->
                            launch {
                                delay((i % 1000).microseconds)
                                n++
                            }
                        }
                    }
                    n
                }
                Workload.checkCount("timers", count, fired)
            } / count
        }
    }

    /** Figure 17: ns per coroutine of 100k through kotlinx's Semaphore(50), each yielding while holding. */
    @JvmStatic
    fun semaphore(plan: Plan): Double {
        val count = plan.count(Workload.SEMAPHORE_TASKS)
        return Samples.medianOf(plan) {
            timed {
                val passed = runBlocking {
                    val sem = Semaphore(Workload.SEMAPHORE_PERMITS)
                    var n = 0
                    coroutineScope {
                        repeat(count) {
                            launch {
                                sem.withPermit {
                                    yield()
                                    n++
                                }
                            }
                        }
                    }
                    n
                }
                Workload.checkCount("semaphore", count, passed)
            } / count
        }
    }

    /** Figure 18: ns per `withTimeout(10 s) { }` entered and left without firing. */
    @JvmStatic
    fun timeoutScope(plan: Plan): Double {
        val count = plan.count(Workload.TIMEOUT_SCOPES)
        return Samples.medianOf(plan) {
            timed {
                val ran = runBlocking {
                    var n = 0
                    repeat(count) {
                        withTimeout(10_000) {
                            n++
                        }
                    }
                    n
                }
                Workload.checkCount("timeout-scope", count, ran)
            } / count
        }
    }
}
