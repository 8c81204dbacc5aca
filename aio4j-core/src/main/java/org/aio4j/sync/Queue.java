package org.aio4j.sync;

import java.util.Comparator;
import java.util.Objects;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A queue for coroutines: Python's {@code asyncio.Queue}, {@code LifoQueue} and
 * {@code PriorityQueue}, with 3.13's {@code shutdown}. Producers {@link #put} items and consumers
 * {@link #get} them; a bounded queue makes fast producers wait for slow consumers (backpressure).
 *
 * <pre>{@code
 * Queue<String> urls = Queue.create(100);      // Python: asyncio.Queue(maxsize=100)
 *
 * // producer task
 * for (String url : pages) {
 *     urls.put(url);                           // waits while 100 are queued
 * }
 * urls.join();                                 // until every url has had its taskDone()
 * urls.shutdown();                             // the consumers' get() now ends with QueueShutDown
 *
 * // each consumer task
 * try {
 *     while (true) {
 *         String url = urls.get();             // waits while the queue is empty
 *         try {
 *             fetch(url);
 *         } finally {
 *             urls.taskDone();
 *         }
 *     }
 * } catch (QueueShutDown end) {
 *     // no more urls
 * }
 * }</pre>
 *
 * <p>The methods take no timeout; as in asyncio, compose one: {@code Aio.timeout(5, () -> urls.get())}
 * or {@code Aio.waitFor(Aio.async(() -> urls.get()), 5)}.
 *
 * <h2>Kinds</h2>
 * {@link #create()} and {@link #create(int)} hand items out first in, first out; {@link #lifo}
 * last in, first out; {@link #priority(int)} smallest first by natural ordering, and
 * {@link #priority(int, Comparator)} by a comparator. Items that compare equal leave a priority queue
 * in the order they were put. {@code maxsize} 0 means unbounded, as in Python.
 *
 * <h2>Waiting and not waiting</h2>
 * {@link #put} and {@link #get} wait (they must be called from a coroutine); {@link #tryPut} and
 * {@link #tryGet} never wait, and answer "full" with {@code false} and "empty" with {@code null}
 * where Python's {@code put_nowait} and {@code get_nowait} raise {@code QueueFull} and
 * {@code QueueEmpty}. That is why a queue holds no {@code null} items: to end a stream, call
 * {@link #shutdown()} (consumers then get {@link QueueShutDown} once the queue is empty) or put a
 * sentinel object of your own.
 *
 * <h2>Fairness</h2>
 * Tasks waiting in {@link #get} are served in the order they started waiting, and so are tasks
 * waiting in {@link #put}. As in asyncio, a task that calls {@code get()} while an item is there takes
 * it at once, even if a waiting getter has been woken for that item and has not run yet; that getter
 * then waits again, behind the others (likewise for room and putters).
 *
 * <h2>Tasks done and join</h2>
 * Every item put counts as an unfinished task until a consumer calls {@link #taskDone()} for it;
 * {@link #join()} waits until the count is zero.
 *
 * <h2>Shutdown</h2>
 * After {@link #shutdown()}, {@code put} and {@code tryPut} throw {@link QueueShutDown}, while
 * {@code get} and {@code tryGet} go on handing out what is left and throw {@link QueueShutDown} once
 * the queue is empty. {@link #shutdown(boolean) shutdown(true)} also discards the items left (they
 * count as done for {@link #join()}). Either way every task waiting in {@code put} or {@code get}
 * is woken to see it.
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}. A queue
 * may be filled with {@link #tryPut} before any loop runs, for instance by {@code main}.
 */
public final class Queue<E> {
    /*
     * Implementation notes.
     *
     * CPython 3.11 queues.Queue, step for step, plus the shutdown of 3.13 (whose Queue is 3.11's
     * with an is-shutdown flag, checked in put/put_nowait/get/get_nowait, and shutdown() itself).
     * The storage (deque, stack, heap) is a QueueStorage strategy where asyncio subclasses override
     * _init/_put/_get. Waiters park on ParkingLots: getters, putters, and joiners in place of the
     * asyncio.Event that 3.11's join waits on.
     *
     * put(): while full, park (leaving with QueueShutDown if shut down); then the tryPut step.
     * get(): while empty, park (leaving with QueueShutDown if shut down); then the tryGet step.
     * A wake is a hint, not a reservation: the woken task re-checks, and parks again, at the back,
     * if somebody took the item (or room) first. That is asyncio's behaviour, kept on purpose:
     * reserving the item for the woken getter would leave it unusable until that task runs, with
     * tryGet() answering "empty" while an item sits in the queue. Each successful put wakes one
     * getter, each successful get one putter (ParkingLot.wakeNext skips waiters already woken or
     * cancelled, as _wakeup_next does).
     *
     * Invariant (what makes "nothing lost" true): whenever no task is inside a queue method, if the
     * queue holds an item and a getter that is not cancelled is parked, one such getter holds a wake
     * it has not used yet; symmetrically for room and putters. A wake is used by taking the item; a
     * getter cancelled after its wake (the same loop iteration) hands it on through its cancel hook
     * if an item is still there: 3.11's "if not self.empty() and not getter.cancelled():
     * self._wakeup_next(...)". A wake lost to a failing comparator is handed on the same way (see
     * take and insert).
     *
     * A woken waiter stays in its ParkingLot until it runs, where asyncio pops it at wake time; the
     * only visible difference is in statistics() and toString(), whose getter and putter counts
     * include woken waiters that have not resumed yet.
     *
     * join() parks once, like 3.11's "if unfinished: await finished.wait()": it returns when the
     * count has been zero at some moment since it parked, even if new items arrived before it ran.
     * The finished flag is unfinished == 0 (the Event of 3.11 is set exactly then), so there is no
     * separate flag to keep in step.
     *
     * Differences from asyncio, and why:
     * - tryPut/tryGet return false/null instead of raising QueueFull/QueueEmpty (Java's offer/poll
     *   habit, STYLE rule 12: full and empty are normal answers, not failures), so null items are
     *   refused: null is tryGet's "empty".
     * - maxsize < 0 is an error (Python treats it as unbounded): a negative bound is a bug, not a
     *   way to say "unbounded"; 0 says that.
     * - put() checks its item (null, Comparable for a natural-order priority queue) before it waits,
     *   not when it finally inserts; a non-Comparable item fails even in an empty priority queue
     *   (heapq compares nothing there and accepts it, to fail at the next put).
     * - Priority order is stable (FIFO among equal items) and a failing comparison changes nothing
     *   (heapq leaves the heap changed); see PriorityStorage.
     * - The unfinished-task count is a long: a queue whose consumers never call taskDone() (join is
     *   optional) counts every item ever put.
     * - Loop binding (LoopBinding): waiting methods check the calling task's loop on every call,
     *   and bind only when they park; the non-waiting ones check the thread once bound.
     */

    // ------------------------------------------------------------------ state
    //
    //   OPEN ──shutdown()──▶ SHUT_DOWN
    //
    // No way back. shutdown(true) on a SHUT_DOWN queue still discards what is left, as in 3.13.

    private enum State { OPEN, SHUT_DOWN }

    // any thread: fixed at construction
    private final int maxsize;

    // loop thread only, once bound (any thread before: a queue may be filled before a loop runs)
    private final LoopBinding binding = new LoopBinding(this);
    private final QueueStorage<E> items;
    private final ParkingLot getters = new ParkingLot(() -> "get() on " + this);
    private final ParkingLot putters = new ParkingLot(() -> "put() on " + this);
    private final ParkingLot joiners = new ParkingLot(() -> "join() on " + this);
    private long unfinished;
    private State state = State.OPEN;
    private final ParkingLot.CancelHook onGetterCancelled = this::getterCancelled;
    private final ParkingLot.CancelHook onPutterCancelled = this::putterCancelled;

    private Queue(int maxsize, QueueStorage<E> items) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("maxsize must be >= 0 (0 means unbounded, as in Python), got "
                    + maxsize);
        }
        this.maxsize = maxsize;
        this.items = items;
    }

    // ------------------------------------------------------------------ factories

    /** A new unbounded first-in-first-out queue: Python's {@code asyncio.Queue()}. */
    public static <E> Queue<E> create() {
        return create(0);
    }

    /**
     * A new first-in-first-out queue holding at most {@code maxsize} items, or unbounded if
     * {@code maxsize} is 0: Python's {@code asyncio.Queue(maxsize)}.
     *
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <E> Queue<E> create(int maxsize) {
        return new Queue<>(maxsize, new QueueStorage.Deque<>(false));
    }

    /**
     * A new last-in-first-out queue (a stack) holding at most {@code maxsize} items, 0 for unbounded:
     * Python's {@code asyncio.LifoQueue(maxsize)}.
     *
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <E> Queue<E> lifo(int maxsize) {
        return new Queue<>(maxsize, new QueueStorage.Deque<>(true));
    }

    /**
     * A new priority queue that hands out the smallest item first by the items' natural ordering,
     * holding at most {@code maxsize} items, 0 for unbounded: Python's
     * {@code asyncio.PriorityQueue(maxsize)}. Equal items come out in the order they were put.
     *
     * <p>Items must be {@link Comparable} and comparable with each other: {@link #put} and
     * {@link #tryPut} throw {@link ClassCastException} for an item that is not (and the queue is
     * unchanged). Like {@link java.util.PriorityQueue}, the type does not demand it, so that a
     * {@code Queue<Object>} of mixed comparable items can be made.
     *
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public static <E> Queue<E> priority(int maxsize) {
        return new Queue<>(maxsize, new PriorityStorage<>(null));
    }

    /**
     * A new priority queue that hands out the smallest item first by {@code comparator}, holding at
     * most {@code maxsize} items, 0 for unbounded. Equal items come out in the order they were put,
     * so the comparator need only compare priorities. If the comparator throws, the exception reaches
     * the caller of {@code put}/{@code get} and the queue is unchanged.
     *
     * @throws IllegalArgumentException if {@code maxsize} is negative
     * @throws NullPointerException if {@code comparator} is null (use {@link #priority(int)} for the
     *         natural ordering)
     */
    public static <E> Queue<E> priority(int maxsize, Comparator<? super E> comparator) {
        Objects.requireNonNull(comparator, "comparator is null: use Queue.priority(maxsize) for the natural ordering");
        return new Queue<>(maxsize, new PriorityStorage<>(comparator));
    }

    // ------------------------------------------------------------------ size

    /** The number of items in the queue. */
    public int qsize() {
        binding.checkThread();
        return items.size();
    }

    /** The most items the queue holds, 0 for unbounded. Any thread. */
    public int maxsize() {
        return maxsize;
    }

    /** Whether the queue holds no item. */
    public boolean empty() {
        binding.checkThread();
        return items.size() == 0;
    }

    /** Whether the queue holds {@link #maxsize()} items; never true for an unbounded queue. */
    public boolean full() {
        binding.checkThread();
        return isFull();
    }

    private boolean isFull() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts {@code item} into the queue, waiting while the queue is full: Python's
     * {@code await queue.put(item)}. Wakes the first waiting getter, if any, and counts one more
     * unfinished task.
     *
     * <p>Cancellation-atomic: either it returns with the item in the queue, or it throws
     * {@link CancelledError} and the queue is unchanged (the item was not put); room that had been
     * offered to this putter is offered to the next one.
     *
     * @throws NullPointerException if {@code item} is null (null is {@link #tryGet()}'s "empty")
     * @throws ClassCastException for an item a natural-order priority queue cannot compare (a
     *         comparator's own exceptions propagate too); the queue is unchanged
     * @throws QueueShutDown if the queue is shut down, or is shut down while this waits
     * @throws IllegalStateException outside a coroutine, or on a task of another loop than the queue's
     * @throws CancelledError if the task is cancelled while waiting
     */
    public void put(E item) {
        check(item);
        Task<?> task = binding.task("put()");
        boolean waited = false;
        while (isFull()) {
            if (state == State.SHUT_DOWN) {
                throw putShutDown("put()");
            }
            binding.bind(task);
            putters.park(onPutterCancelled);
            waited = true;
        }
        if (state == State.SHUT_DOWN) {
            throw putShutDown("put()");
        }
        insert(item, waited);
    }

    /**
     * Puts {@code item} into the queue if there is room, without waiting: Python's
     * {@code put_nowait}, with {@code false} for its {@code QueueFull}. Wakes the first waiting
     * getter, if any, and counts one more unfinished task.
     *
     * @return {@code true} if the item was put, {@code false} if the queue is full (nothing changed)
     * @throws NullPointerException if {@code item} is null (null is {@link #tryGet()}'s "empty")
     * @throws ClassCastException for an item a natural-order priority queue cannot compare (a
     *         comparator's own exceptions propagate too); the queue is unchanged
     * @throws QueueShutDown if the queue is shut down
     * @throws WrongThreadException from another thread while the queue's loop runs
     */
    public boolean tryPut(E item) {
        check(item);
        binding.checkThread();
        if (state == State.SHUT_DOWN) {
            throw putShutDown("tryPut()");
        }
        if (isFull()) {
            return false;
        }
        insert(item, false);
        return true;
    }

    private void check(E item) {
        if (item == null) {
            throw new NullPointerException("a Queue cannot hold null: null is what tryGet() returns for 'empty';"
                    + " to signal the end, call shutdown() (getters then see QueueShutDown) or put a sentinel object");
        }
        items.check(item);
    }

    /**
     * The put step; {@code wasWoken} if the caller waited, so a wake it used and could not turn into
     * a put (the comparator threw) is handed to the next putter.
     */
    private void insert(E item, boolean wasWoken) {
        try {
            items.add(item);
        } catch (RuntimeException | Error e) {
            if (wasWoken && !isFull()) {
                putters.wakeNext();
            }
            throw e;
        }
        unfinished++;
        getters.wakeNext();
    }

    /** A putter was cancelled: a wake that reached it goes to the next putter while there is room. */
    private void putterCancelled(boolean woken) {
        if (woken && !isFull()) {
            putters.wakeNext();
        }
    }

    // ------------------------------------------------------------------ get

    /**
     * Removes and returns the next item, waiting while the queue is empty: Python's
     * {@code await queue.get()}. Wakes the first waiting putter, if any.
     *
     * <p>Cancellation-atomic: either it returns the item, or it throws {@link CancelledError} and
     * the queue is unchanged (no item was taken); an item that had been offered to this getter is
     * offered to the next one.
     *
     * @throws QueueShutDown if the queue is shut down and empty, or becomes so while this waits
     * @throws IllegalStateException outside a coroutine, or on a task of another loop than the queue's
     * @throws CancelledError if the task is cancelled while waiting
     * @throws ClassCastException if a priority queue's ordering fails (the queue is unchanged)
     */
    public E get() {
        Task<?> task = binding.task("get()");
        boolean waited = false;
        while (items.size() == 0) {
            if (state == State.SHUT_DOWN) {
                throw getShutDown("get()");
            }
            binding.bind(task);
            getters.park(onGetterCancelled);
            waited = true;
        }
        return take(waited);
    }

    /**
     * The items as an async generator that ends when the queue is shut down and empty: Python's
     * {@code while True: item = await queue.get()} loop, ending at {@code QueueShutDown}. Each value
     * is taken with {@link #get()} when the consumer asks for it ({@code for (E item : queue.consume())}
     * inside a coroutine, or {@link AsyncGenerator#forEach}), so several consumers may each iterate a
     * {@code consume()} of their own and share the items. As with {@code get()}, call
     * {@link #taskDone()} for each item if anyone {@link #join()}s the queue.
     *
     * <p>Nothing is taken until the generator is first asked for a value, and an item is taken only
     * for a consumer that asked: breaking out of the loop loses no item.
     */
    public AsyncGenerator<E> consume() {
        return Aio.asyncGenerator("consume " + this, out -> {
            while (true) {
                E item;
                try {
                    item = get();
                } catch (QueueShutDown end) {
                    return;
                }
                out.yield(item);
            }
        });
    }

    /**
     * Removes and returns the next item if there is one, without waiting: Python's
     * {@code get_nowait}, with {@code null} for its {@code QueueEmpty}. Wakes the first waiting
     * putter, if any.
     *
     * @return the item, or {@code null} if the queue is empty
     * @throws QueueShutDown if the queue is shut down and empty
     * @throws WrongThreadException from another thread while the queue's loop runs
     * @throws ClassCastException if a priority queue's ordering fails (the queue is unchanged)
     */
    public E tryGet() {
        binding.checkThread();
        if (items.size() == 0) {
            if (state == State.SHUT_DOWN) {
                throw getShutDown("tryGet()");
            }
            return null;
        }
        return take(false);
    }

    /** The get step (the queue is not empty); {@code wasWoken} as for {@link #insert}. */
    private E take(boolean wasWoken) {
        E item;
        try {
            item = items.remove();
        } catch (RuntimeException | Error e) {
            if (wasWoken && items.size() > 0) {
                getters.wakeNext();
            }
            throw e;
        }
        putters.wakeNext();
        return item;
    }

    /** A getter was cancelled: a wake that reached it goes to the next getter while items remain. */
    private void getterCancelled(boolean woken) {
        if (woken && items.size() > 0) {
            getters.wakeNext();
        }
    }

    // ------------------------------------------------------------------ tasks done

    /**
     * Tells the queue that the work on an item taken from it is complete: Python's
     * {@code task_done()}. Consumers call it once per item they got; when every item put has had its
     * call, {@link #join()} returns.
     *
     * @throws IllegalStateException if called more times than items were put (Python's
     *         {@code ValueError}), including items an immediate shutdown discarded
     * @throws WrongThreadException from another thread while the queue's loop runs
     */
    public void taskDone() {
        binding.checkThread();
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called too many times: it is called once per item"
                    + " taken from the queue, and every item put has had its call (items discarded by"
                    + " shutdown(true) count as done already)");
        }
        if (--unfinished == 0) {
            joiners.wakeAll();
        }
    }

    /**
     * Waits until every item put into the queue has had its {@link #taskDone()}: Python's
     * {@code await queue.join()}. Returns at once if none is unfinished. Returns when the count of
     * unfinished tasks reaches zero after this started waiting, even if new items are put before this
     * task resumes (as in asyncio).
     *
     * <p>Cancellation: it changes nothing in the queue, so throwing {@link CancelledError} leaves it
     * as it was, and other tasks waiting in {@code join()} are not affected.
     *
     * @throws IllegalStateException outside a coroutine, or on a task of another loop than the queue's
     * @throws CancelledError if the task is cancelled while waiting
     */
    public void join() {
        Task<?> task = binding.task("join()");
        if (unfinished > 0) {
            binding.bind(task);
            joiners.park(ParkingLot.NOTHING);
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Shuts the queue down gracefully: {@code shutdown(false)}. Puts fail from now on; gets go on
     * until the queue is empty, then fail. Waiting putters and getters are woken to see it.
     *
     * @throws WrongThreadException from another thread while the queue's loop runs
     */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: Python 3.13's {@code queue.shutdown(immediate)}. From now on
     * {@link #put} and {@link #tryPut} throw {@link QueueShutDown}, and so do {@link #get} and
     * {@link #tryGet} once the queue is empty. Every task waiting in {@code put} or {@code get} is
     * woken: a putter throws {@link QueueShutDown}; a getter takes an item if one is left, else throws
     * it.
     *
     * <p>If {@code immediate}, the items left are discarded at once and counted as done for
     * {@link #join()} (their {@link #taskDone()} calls are not expected), so gets fail at once and,
     * if no item taken earlier is still being worked on, waiting {@code join()} calls return.
     * Calling it again is allowed; {@code shutdown(true)} after {@code shutdown()} discards what is
     * left.
     *
     * @throws WrongThreadException from another thread while the queue's loop runs
     */
    public void shutdown(boolean immediate) {
        binding.checkThread();
        state = State.SHUT_DOWN;
        if (immediate) {
            unfinished = Math.max(0, unfinished - items.size());
            items.clear();
            if (unfinished == 0) {
                joiners.wakeAll();
            }
        }
        getters.wakeAll();
        putters.wakeAll();
    }

    /** Whether {@link #shutdown} has been called. */
    public boolean isShutdown() {
        binding.checkThread();
        return state == State.SHUT_DOWN;
    }

    private QueueShutDown putShutDown(String op) {
        return new QueueShutDown("Queue." + op + ": the queue is shut down, no item can be put any more (" + this + ")");
    }

    private QueueShutDown getShutDown(String op) {
        return new QueueShutDown("Queue." + op + ": the queue is shut down and empty, no item will come any more ("
                + this + ")");
    }

    // ------------------------------------------------------------------ monitoring

    /** A snapshot for monitoring. */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(items.size(), maxsize, getters.size(), putters.size(), unfinished,
                state == State.SHUT_DOWN);
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param size            items in the queue
     * @param maxsize         the bound, 0 for unbounded
     * @param gettersWaiting  tasks parked in {@link #get()} (including any woken that have not resumed yet)
     * @param puttersWaiting  tasks parked in {@link #put} (likewise)
     * @param unfinishedTasks items put whose {@link #taskDone()} has not been called
     * @param shutDown        whether {@link #shutdown} has been called
     */
    public record Statistics(int size, int maxsize, int gettersWaiting, int puttersWaiting, long unfinishedTasks,
                             boolean shutDown) {
    }

    /**
     * Python's repr without the items:
     * {@code Queue[maxsize=2, size=1, getters:1, putters:3, unfinished:4, shut down]}, with
     * {@code LifoQueue} or {@code PriorityQueue} for the other kinds; parts that are zero are left out,
     * except {@code maxsize} (0 is unbounded) and {@code size}.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(items.kind()).append("[maxsize=").append(maxsize)
                .append(", size=").append(items.size());
        if (!getters.isEmpty()) {
            s.append(", getters:").append(getters.size());
        }
        if (!putters.isEmpty()) {
            s.append(", putters:").append(putters.size());
        }
        if (unfinished != 0) {
            s.append(", unfinished:").append(unfinished);
        }
        if (state == State.SHUT_DOWN) {
            s.append(", shut down");
        }
        return s.append(']').toString();
    }
}
