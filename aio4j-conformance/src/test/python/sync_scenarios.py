"""The scenario families of the synchronization primitives and queues (org.aio4j.sync).

Called by generate_scenarios.py (``all_families(add)``); see there and README.md. Each family
writes its own file: sync_cancel_matrix.json (every primitive x every way a waiter is cancelled
or times out), lock.json, event.json, condition.json, semaphore.json, barrier.json, queue.json, and
queue_shutdown_aio4j_only.json (Queue.shutdown is Python 3.13 API).
"""

from scenario_dsl import *  # noqa: F401,F403


# ------------------------------------------------------------------ the cancellation matrix
#
# Two waiters, W then W2, wait on a primitive that main makes unavailable first; main wakes one
# waiter (all of them for Event, Barrier and join) at 1 s and cancels W at a chosen moment around
# that wake. The trace shows whether W's wake, permit, notification or item went to W2 or got lost.


class Prim:
    def __init__(self, setup, wait, hold, wake, probe, doc):
        self.setup = setup      # main's steps before the waiters start
        self.wait = wait        # the waiting call of a waiter, as a list of steps
        self.hold = hold        # what a waiter does after its wait returned
        self.wake = wake        # main's steps that wake (at least) one waiter
        self.probe = probe      # main's steps that show the primitive's state at the end
        self.doc = doc


def _holds(on):
    """A waiter holding a lock-like object for 0.25 s, released in a finally (as `async with`)."""
    return [try_([log("got it"), sleep(0.25)], finally_=[release(on)])]


PRIMS = {
    "lock": Prim([new("lock", "L"), acquire("L")], [acquire("L")], _holds("L"), [release("L")],
                 [locked("L")], "Lock held by main; release() wakes the first waiter"),
    "semaphore": Prim([new("semaphore", "S", value=1), acquire("S")], [acquire("S")], _holds("S"), [release("S")],
                      [locked("S")], "Semaphore(1) taken by main; release() wakes the first waiter"),
    "bounded_semaphore": Prim([new("bounded_semaphore", "S", value=1), acquire("S")], [acquire("S")], _holds("S"),
                              [release("S")], [locked("S")],
                              "BoundedSemaphore(1) taken by main; release() wakes the first waiter"),
    "condition": Prim([new("condition", "C")], [with_("C", wait_on("C"), log("got it"), sleep(0.25))], [],
                      [with_("C", notify("C", 1))], [locked("C")],
                      "Condition; notify(1) under the lock wakes the first waiter"),
    "event": Prim([new("event", "E")], [wait_on("E")], [log("got it")], [set_("E")], [is_set("E")],
                  "Event; set() wakes every waiter"),
    "barrier": Prim([new("barrier", "B", parties=3)], [wait_on("B")], [log("got it")],
                    [spawn("Z", wait_on("B"))], [n_waiting("B"), broken("B")],
                    "Barrier(3); a third party Z arriving releases the waiters"),
    "queue_get": Prim([new("queue", "Q")], [get("Q")], [log("got it")], [put_nowait("Q", "x")],
                      [qsize("Q")], "empty Queue; put_nowait() wakes the first getter"),
    "queue_put": Prim([new("queue", "Q", maxsize=1), put_nowait("Q", "first")], [put("Q", "w")], [log("got it")],
                      [get_nowait("Q")], [qsize("Q"), guard(get_nowait("Q")), guard(get_nowait("Q"))],
                      "full Queue(maxsize=1); get_nowait() wakes the first putter"),
    "queue_join": Prim([new("queue", "Q"), put_nowait("Q", 1)], [join("Q")], [log("got it")],
                       [get_nowait("Q"), task_done("Q")], [qsize("Q")],
                       "Queue with one unfinished item; task_done() releases every join()"),
}


def _waiter(p, name):
    """A task that waits on p, then holds what it got; it logs its cancellation and rethrows it."""
    return spawn(name, try_(p.wait + p.hold, catch("CancelledError", log("cancelled"), reraise())))


def _matrix_case(p, when):
    """main's program for one cancel moment; returns (steps, doc)."""
    w2 = _waiter(p, "W2")
    if when == "cancel_while_waiting":
        return p.setup + [_waiter(p, "W"), w2, sleep(1), cancel("W"), sleep(1)] + p.wake, \
            "W is cancelled while it waits, the wake comes later"
    if when == "cancel_then_wake":
        return p.setup + [_waiter(p, "W"), w2, sleep(1), cancel("W")] + p.wake, \
            "W is cancelled, then the wake, in the same iteration"
    if when == "wake_then_cancel":
        return p.setup + [_waiter(p, "W"), w2, sleep(1)] + p.wake + [cancel("W")], \
            "the wake reaches W, then W is cancelled in the same iteration, before it runs"
    if when == "cancel_after_wake":
        return p.setup + [_waiter(p, "W"), w2, sleep(1)] + p.wake + [yield_(), yield_(), cancel("W")], \
            "W is cancelled after it resumed from its wake"
    if when == "timeout_while_waiting":
        tw = spawn("W", guard(timeout("t", 0.5, *p.wait, *p.hold)), expired("t"))
        return p.setup + [tw, w2, sleep(1)] + p.wake, "W waits with a 0.5 s timeout, the wake comes at 1 s"
    if when == "timeout_at_wake_instant_waker_first":
        tw = spawn("W", guard(timeout("t", 1, *p.wait, *p.hold)), expired("t"))
        return p.setup + [tw, w2, sleep(1)] + p.wake, \
            "W's 1 s timeout and main's wake fall on the same instant, main's timer was scheduled first"
    if when == "timeout_at_wake_instant_timeout_first":
        tw = spawn("W", guard(timeout("t", 1, *p.wait, *p.hold)), expired("t"))
        return p.setup + [tw, w2, yield_(), yield_(), sleep(1)] + p.wake, \
            "W's 1 s timeout and main's wake fall on the same instant, W's timer was scheduled first"
    raise ValueError(when)


WHENS = ("cancel_while_waiting", "cancel_then_wake", "wake_then_cancel", "cancel_after_wake",
         "timeout_while_waiting", "timeout_at_wake_instant_waker_first", "timeout_at_wake_instant_timeout_first")


def cancel_matrix(add):
    f = "sync_cancel_matrix.json"
    for pname, p in PRIMS.items():
        for when in WHENS:
            steps, doc = _matrix_case(p, when)
            steps = steps + [sleep(1), state("W"), state("W2")] + p.probe
            add(f, scenario("sync_%s_%s" % (pname, when), "%s. %s; W2 waits behind W" % (p.doc, doc), steps))
        # the message of the cancellation reaches the waiter (and whoever awaits it)
        add(f, scenario("sync_%s_cancel_message" % pname, "%s. W is cancelled with a message while it waits" % p.doc,
                        p.setup + [_waiter(p, "W"), sleep(1), cancel("W", "stop"), guard(await_("W"))] + p.probe))
        add(f, scenario("sync_%s_wake_then_cancel_message" % pname,
                        "%s. W is cancelled with a message in the iteration of its wake; W2 waits behind W" % p.doc,
                        p.setup + [_waiter(p, "W"), _waiter(p, "W2"), sleep(1)] + p.wake
                        + [cancel("W", "stop"), guard(await_("W")), sleep(1), state("W2")] + p.probe))


# ------------------------------------------------------------------ Lock

def _holder(name, on, hold=0.25, *extra):
    """A task that acquires on, logs, holds it for `hold` seconds, releases."""
    return spawn(name, acquire(on), log("holds"), sleep(hold), *extra, release(on))


def lock_family(add):
    f = "lock.json"
    add(f, scenario("lock_fifo_four_waiters", "waiters get the lock in the order they asked for it", [
        new("lock", "L"), acquire("L"), *[_holder(n, "L") for n in "ABCD"], sleep(1), release("L"), sleep(2),
        locked("L")]))
    add(f, scenario("lock_acquire_free_does_not_suspend", "acquiring a free lock returns without yielding", [
        new("lock", "L"), spawn("A", log("a runs")), acquire("L"), log("still first"), locked("L"), release("L"),
        locked("L"), yield_()]))
    add(f, scenario("lock_no_barging_after_release", "a release hands the lock to the waiter; the releaser cannot take it back", [
        new("lock", "L"), acquire("L"), spawn("W", acquire("L"), log("w holds"), sleep(1), release("L")), yield_(),
        release("L"), locked("L"), acquire("L"), log("main again"), release("L")]))
    add(f, scenario("lock_newcomer_queues_behind_woken_waiter", "a task arriving between the wake and the waiter's resumption queues", [
        new("lock", "L"), acquire("L"), spawn("W", acquire("L"), log("w holds"), sleep(1), release("L")),
        spawn("N", sleep(1), locked("L"), acquire("L"), log("n holds"), release("L")), sleep(1), release("L"),
        sleep(2), locked("L")]))
    add(f, scenario("lock_with_exit_after_foreign_release", "the holder's async with fails to release a lock another task released", [
        new("lock", "L"), spawn("A", try_([with_("L", sleep(5))], catch("BaseException", locked("L")))), yield_(),
        release("L"), cancel("A"), sleep(1), state("A"), locked("L")]))
    add(f, scenario("lock_free_with_only_cancelled_waiters", "when every waiter is cancelled a newcomer takes the free lock at once", [
        new("lock", "L"), acquire("L"), spawn("W", acquire("L")), yield_(), cancel("W"), release("L"),
        acquire("L"), log("main took it"), locked("L"), yield_(), state("W"), release("L")]))
    add(f, scenario("lock_release_unlocked", "releasing a free lock is a RuntimeError", [
        new("lock", "L"), guard(release("L")), acquire("L"), release("L"), guard(release("L")), locked("L")]))
    add(f, scenario("lock_released_by_other_task", "a lock has no owner: another task may release it", [
        new("lock", "L"), acquire("L"), spawn("R", sleep(1), release("L")), spawn("W", acquire("L"), log("w holds")),
        sleep(2), locked("L")]))
    add(f, scenario("lock_with_releases_on_error", "async with releases the lock when the body raises", [
        new("lock", "L"), guard(with_("L", locked("L"), raise_("E", "body"))), locked("L"),
        spawn("W", with_("L", log("w in"), sleep(1))), sleep(0.5), locked("L"), sleep(1), locked("L")]))
    add(f, scenario("lock_with_return_releases", "a return inside async with releases the lock", [
        new("lock", "L"), call(with_("L", ret("from body"))), locked("L")]))
    add(f, scenario("lock_not_reentrant", "a task acquiring a lock it holds waits for itself (until a timeout)", [
        new("lock", "L"), acquire("L"), guard(timeout("t", 1, acquire("L"))), locked("L"), release("L"),
        locked("L")]))
    add(f, scenario("lock_wait_for_acquire", "wait_for around an acquiring task: the timeout cancels it, nothing leaks", [
        new("lock", "L"), acquire("L"), guard(wait_for(task("A", acquire("L"), log("never")), 1)), state("A"),
        release("L"), locked("L"), acquire("L"), release("L")]))
    add(f, scenario("lock_cancel_holder_releases_via_with", "cancelling the holder inside async with frees the lock for the next waiter", [
        new("lock", "L"), spawn("H", with_("L", log("h in"), sleep(5))), spawn("W", with_("L", log("w in"))),
        sleep(1), cancel("H"), sleep(1), state("H"), state("W"), locked("L")]))
    add(f, scenario("lock_cancel_middle_waiter", "a cancelled waiter in the middle of the queue is skipped", [
        new("lock", "L"), acquire("L"), *[_holder(n, "L") for n in "ABC"], yield_(), cancel("B"), sleep(1),
        release("L"), sleep(2), state("B"), locked("L")]))
    add(f, scenario("lock_cancel_all_waiters_then_release", "cancelled waiters leave; a release with nobody left frees the lock", [
        new("lock", "L"), acquire("L"), spawn("A", acquire("L")), spawn("B", acquire("L")), yield_(), cancel("A"),
        cancel("B"), yield_(), release("L"), locked("L"), state("A"), state("B")]))
    add(f, scenario("lock_release_and_cancel_two_woken", "the woken head is cancelled, the next one is cancelled too, the third gets it", [
        new("lock", "L"), acquire("L"), *[_holder(n, "L") for n in "ABC"], sleep(1), release("L"), cancel("A"),
        cancel("B"), sleep(1), state("A"), state("B"), state("C"), locked("L")]))
    add(f, scenario("lock_waiter_cancelled_before_first_step", "a task cancelled before it ever reached acquire() leaves no trace", [
        new("lock", "L"), acquire("L"), spawn("A", acquire("L")), cancel("A"), spawn("B", acquire("L"), log("b holds")),
        release("L"), yield_(), yield_(), state("A"), locked("L")]))
    add(f, scenario("lock_holder_yields_waiters_queue", "waiters that arrive while the holder yields queue up in order", [
        new("lock", "L"), spawn("H", with_("L", log("h in"), yield_(), yield_(), log("h out"))),
        spawn("A", with_("L", log("a in"))), spawn("B", with_("L", log("b in"))), sleep(1), locked("L")]))


# ------------------------------------------------------------------ Event

def event_family(add):
    f = "event.json"
    add(f, scenario("event_set_wakes_all_in_order", "set() wakes every waiter, in the order they waited", [
        new("event", "E"), *[spawn(n, wait_on("E"), log("woke")) for n in "ABCD"], sleep(1), is_set("E"), set_("E"),
        is_set("E"), log("main after set"), yield_(), log("main after yield")]))
    add(f, scenario("event_wait_when_set_does_not_suspend", "wait() on a set event returns at once", [
        new("event", "E"), set_("E"), spawn("A", log("a runs")), wait_on("E"), log("main still first"), yield_()]))
    add(f, scenario("event_set_then_clear_same_iteration", "waiters woken by set() return true even if clear() follows at once", [
        new("event", "E"), spawn("A", wait_on("E"), is_set("E")), spawn("B", wait_on("E")), sleep(1), set_("E"),
        clear("E"), is_set("E"), sleep(1), state("A"), state("B")]))
    add(f, scenario("event_clear_does_not_wake", "clear() with waiters wakes nobody", [
        new("event", "E"), spawn("A", wait_on("E"), log("woke")), sleep(1), clear("E"), sleep(1), state("A"),
        set_("E"), yield_(), state("A")]))
    add(f, scenario("event_set_twice", "a second set() is a no-op", [
        new("event", "E"), spawn("A", wait_on("E")), yield_(), set_("E"), set_("E"), is_set("E"), yield_(),
        state("A")]))
    add(f, scenario("event_wait_after_clear_blocks_again", "after clear() a new wait() blocks until the next set()", [
        new("event", "E"), set_("E"), wait_on("E"), clear("E"),
        spawn("A", wait_on("E"), log("a woke")), spawn("S", sleep(1), set_("E")), sleep(2), state("A")]))
    add(f, scenario("event_wait_timeout", "wait() under a timeout: TimeoutError, the event stays usable", [
        new("event", "E"), guard(timeout("t", 1, wait_on("E"))), spawn("A", wait_on("E")), yield_(), set_("E"),
        yield_(), state("A")]))
    add(f, scenario("event_wait_for_timeout", "wait_for(event.wait(), 1) in a task of its own", [
        new("event", "E"), guard(wait_for(task("W", wait_on("E")), 1)), state("W"),
        spawn("S", sleep(1), set_("E")), wait_for(task("W2", wait_on("E")), 2)]))
    add(f, scenario("event_cancel_one_waiter_others_still_wake", "a cancelled waiter does not take the others' wake", [
        new("event", "E"), *[spawn(n, wait_on("E")) for n in "ABC"], sleep(1), cancel("B"), set_("E"), sleep(1),
        state("A"), state("B"), state("C")]))
    add(f, scenario("event_set_before_waiters_start", "tasks created before set() but started after it do not wait", [
        new("event", "E"), spawn("A", wait_on("E"), log("a")), spawn("B", wait_on("E"), log("b")), set_("E"),
        yield_(), state("A"), state("B")]))
    add(f, scenario("event_set_by_waiter_chain", "each waiter sets the next event", [
        new("event", "E1"), new("event", "E2"), new("event", "E3"),
        spawn("A", wait_on("E1"), log("a"), set_("E2")), spawn("B", wait_on("E2"), log("b"), set_("E3")),
        spawn("C", wait_on("E3"), log("c")), sleep(1), set_("E1"), sleep(1), state("C")]))


# ------------------------------------------------------------------ Condition

def _cond_waiter(name, on="C"):
    return spawn(name, with_(on, wait_on(on), log("notified"), locked(on)))


def condition_family(add):
    f = "condition.json"
    add(f, scenario("condition_notify_one_at_a_time", "notify(1) wakes the waiters one by one, in FIFO order", [
        new("condition", "C"), *[_cond_waiter(n) for n in "ABD"], sleep(1),
        with_("C", notify("C")), sleep(1), with_("C", notify("C")), sleep(1), with_("C", notify("C")), sleep(1)]))
    add(f, scenario("condition_notify_n", "notify(2) wakes the first two waiters", [
        new("condition", "C"), *[_cond_waiter(n) for n in "ABDE"], sleep(1), with_("C", notify("C", 2)), sleep(1),
        state("A"), state("B"), state("D"), state("E")]))
    add(f, scenario("condition_notify_all", "notify_all() wakes every waiter; they take the lock one after the other", [
        new("condition", "C"), *[_cond_waiter(n) for n in "ABD"], sleep(1), with_("C", notify_all("C"), log("notified all"),
                                                                                  sleep(1), log("main releases")),
        sleep(1)]))
    add(f, scenario("condition_notify_more_than_waiting", "notify(5) with two waiters wakes both", [
        new("condition", "C"), _cond_waiter("A"), _cond_waiter("B"), sleep(1), with_("C", notify("C", 5)), sleep(1),
        state("A"), state("B")]))
    add(f, scenario("condition_notify_none_waiting", "notify() without waiters is a no-op", [
        new("condition", "C"), with_("C", notify("C"), notify_all("C")), _cond_waiter("A"), sleep(1),
        state("A"), with_("C", notify("C")), yield_(), yield_(), state("A")]))
    add(f, scenario("condition_notify_without_lock", "notify() and notify_all() need the lock", [
        new("condition", "C"), guard(notify("C")), guard(notify_all("C"))]))
    add(f, scenario("condition_wait_without_lock", "wait() and wait_for() need the lock", [
        new("condition", "C"), set_var("n", 1), guard(wait_on("C")), guard(cond_wait_for("C", "n", ge=1)),
        locked("C")]))
    add(f, scenario("condition_wait_reacquires_before_returning", "a notified waiter resumes only once the notifier releases", [
        new("condition", "C"), _cond_waiter("A"), sleep(1),
        with_("C", notify("C"), sleep(1), log("main releases at 2")), sleep(1)]))
    add(f, scenario("condition_wait_for_counter", "wait_for(predicate) re-checks after every notify", [
        new("condition", "C"), set_var("n", 0),
        spawn("W", with_("C", cond_wait_for("C", "n", ge=3), log("w done"))),
        *[step for _ in range(4) for step in (sleep(1), with_("C", add_var("n"), notify_all("C")))], sleep(1),
        state("W")]))
    add(f, scenario("condition_wait_for_already_true", "wait_for() with a true predicate returns at once", [
        new("condition", "C"), set_var("n", 5), spawn("A", log("a runs")),
        with_("C", cond_wait_for("C", "n", ge=1), log("no wait")), yield_()]))
    add(f, scenario("condition_wait_for_two_predicates", "notify_all wakes both; each re-checks its own predicate", [
        new("condition", "C"), set_var("n", 0),
        spawn("A", with_("C", cond_wait_for("C", "n", eq=1), log("a sees 1"))),
        spawn("B", with_("C", cond_wait_for("C", "n", ge=2), log("b sees 2+"))),
        sleep(1), with_("C", set_var("n", 1), notify_all("C")), sleep(1), with_("C", set_var("n", 2), notify_all("C")),
        sleep(1), state("A"), state("B")]))
    add(f, scenario("condition_wait_for_cancelled", "a task cancelled inside wait_for leaves with the lock released", [
        new("condition", "C"), set_var("n", 0), spawn("W", with_("C", cond_wait_for("C", "n", ge=1))), sleep(1),
        cancel("W"), sleep(1), state("W"), locked("C")]))
    add(f, scenario("condition_explicit_lock", "a condition over a given lock shares its state", [
        new("lock", "L"), new("condition", "C", lock="L"), acquire("L"), locked("C"), release("C"), locked("L"),
        spawn("A", with_("C", wait_on("C"), log("a notified"), locked("L"))), sleep(1),
        with_("L", notify("C")), sleep(1), state("A")]))
    add(f, scenario("condition_two_conditions_one_lock", "two conditions on one lock: a notify reaches only its own", [
        new("lock", "L"), new("condition", "C1", lock="L"), new("condition", "C2", lock="L"),
        spawn("A", with_("C1", wait_on("C1"), log("a"))), spawn("B", with_("C2", wait_on("C2"), log("b"))), sleep(1),
        with_("L", notify("C2")), sleep(1), state("A"), state("B"), with_("L", notify("C1")), sleep(1), state("A")]))
    add(f, scenario("condition_cancelled_waiter_reacquires_first", "a cancelled waiter takes the lock back before its CancelledError", [
        new("condition", "C"), spawn("W", with_("C", wait_on("C"))), sleep(1),
        with_("C", cancel("W"), sleep(1), log("main releases at 2")), sleep(1), state("W"), locked("C")]))
    add(f, scenario("condition_cancel_while_reacquiring", "cancelled after its notify, while it waits for the lock: it still reacquires", [
        new("condition", "C"), _cond_waiter("A"), _cond_waiter("B"), sleep(1),
        with_("C", notify("C"), sleep(1), cancel("A"), sleep(1), log("main releases at 3")), sleep(1),
        state("A"), state("B"), locked("C")]))
    add(f, scenario("condition_cancel_while_reacquiring_message", "as above, the cancel carries a message", [
        new("condition", "C"), _cond_waiter("A"), sleep(1),
        with_("C", notify("C"), sleep(1), cancel("A", "stop"), sleep(1)), guard(await_("A")), locked("C")]))
    add(f, scenario("condition_cancelled_twice_while_reacquiring", "two cancels while it waits for the lock after its notify", [
        new("condition", "C"), _cond_waiter("A"), sleep(1),
        with_("C", notify("C"), sleep(1), cancel("A", "one"), sleep(1), cancel("A", "two"), sleep(1)),
        guard(await_("A")), locked("C")]))
    add(f, scenario("condition_notified_waiter_cancelled_notify_all", "notify_all, then one woken waiter is cancelled: the others go on", [
        new("condition", "C"), *[_cond_waiter(n) for n in "ABD"], sleep(1), with_("C", notify_all("C")), cancel("B"),
        sleep(1), state("A"), state("B"), state("D")]))
    add(f, scenario("condition_wait_timeout_then_notify", "a waiter whose timeout expired is not notified any more", [
        new("condition", "C"), spawn("A", guard(timeout("t", 1, with_("C", wait_on("C")))), locked("C")),
        _cond_waiter("B"), sleep(2), with_("C", notify("C")), sleep(1), state("B")]))
    add(f, scenario("condition_producer_consumer", "a counter guarded by a condition: two consumers, one producer", [
        new("condition", "C"), set_var("n", 0),
        spawn("P", *[step for _ in range(3) for step in (sleep(1), with_("C", add_var("n"), notify("C")))]),
        spawn("X", with_("C", cond_wait_for("C", "n", ge=1), add_var("n", -1), log("x took one"))),
        spawn("Y", with_("C", cond_wait_for("C", "n", ge=1), add_var("n", -1), log("y took one"))),
        sleep(4), state("X"), state("Y")]))


# ------------------------------------------------------------------ Semaphore

def semaphore_family(add):
    f = "semaphore.json"
    add(f, scenario("semaphore_counts", "Semaphore(2): two acquire at once, the third waits for a release", [
        new("semaphore", "S", value=2), *[_holder(n, "S", 1) for n in "ABC"], yield_(), locked("S"), sleep(3),
        locked("S")]))
    add(f, scenario("semaphore_zero_initial", "Semaphore(0): every acquire waits for a release", [
        new("semaphore", "S", value=0), locked("S"), spawn("A", acquire("S"), log("a")), spawn("B", acquire("S"), log("b")),
        sleep(1), release("S"), yield_(), yield_(), state("B"), release("S"), yield_(), yield_(), locked("S")]))
    add(f, scenario("semaphore_negative_value", "a negative initial value is a ValueError", [
        guard(new("semaphore", "S", value=-1)), guard(new("bounded_semaphore", "B", value=-2))]))
    add(f, scenario("semaphore_release_above_initial", "a plain semaphore may be released more often than acquired", [
        new("semaphore", "S", value=1), release("S"), release("S"), acquire("S"), acquire("S"), acquire("S"),
        locked("S"), guard(timeout("t", 1, acquire("S")))]))
    add(f, scenario("bounded_semaphore_over_release", "BoundedSemaphore refuses a release above its initial value", [
        new("bounded_semaphore", "S", value=2), guard(release("S")), acquire("S"), release("S"), guard(release("S")),
        acquire("S"), acquire("S"), locked("S"), release("S"), release("S"), guard(release("S"))]))
    add(f, scenario("bounded_semaphore_release_while_permit_in_flight",
                    "A's release hands the only permit to B, which has not resumed yet; main releases once more"
                    " meanwhile", [
        new("bounded_semaphore", "S", value=1), spawn("A", acquire("S"), sleep(1), release("S")),
        spawn("B", yield_(), acquire("S"), sleep(1), guard(release("S"))), sleep(1), yield_(), guard(release("S")),
        locked("S"), sleep(2), locked("S")]))
    add(f, scenario("semaphore_fifo_four_waiters", "waiters get permits in FIFO order", [
        new("semaphore", "S", value=0), *[spawn(n, acquire("S"), log("got")) for n in "ABCD"], sleep(1),
        *[step for _ in range(4) for step in (release("S"), sleep(1))]]))
    add(f, scenario("semaphore_release_many_at_once", "several releases in one step wake as many waiters", [
        new("semaphore", "S", value=0), *[spawn(n, acquire("S"), log("got")) for n in "ABCD"], sleep(1),
        release("S"), release("S"), release("S"), locked("S"), sleep(1), state("D"), locked("S")]))
    add(f, scenario("semaphore_no_barging", "after a release to a waiter, acquire() queues behind it", [
        new("semaphore", "S", value=0), spawn("W", acquire("S"), log("w got")), yield_(), release("S"), locked("S"),
        spawn("N", acquire("S"), log("n got")), yield_(), yield_(), state("N"), release("S"), yield_(), yield_(),
        state("N")]))
    add(f, scenario("semaphore_locked_with_cancelled_waiters", "locked() ignores cancelled waiters", [
        new("semaphore", "S", value=1), acquire("S"), spawn("W", acquire("S")), yield_(), locked("S"), cancel("W"),
        release("S"), locked("S"), acquire("S"), log("main took it"), yield_(), state("W")]))
    add(f, scenario("semaphore_release_then_cancel_woken_two_permits", "two permits handed out, one woken waiter cancelled: its permit moves on", [
        new("semaphore", "S", value=0), *[spawn(n, acquire("S"), log("got")) for n in "ABC"], sleep(1), release("S"),
        release("S"), cancel("A"), sleep(1), state("A"), state("B"), state("C"), locked("S")]))
    add(f, scenario("semaphore_cancel_before_wake_then_releases", "a cancelled waiter takes no permit; the releases go to the others", [
        new("semaphore", "S", value=0), *[spawn(n, acquire("S"), log("got")) for n in "ABC"], sleep(1), cancel("B"),
        yield_(), release("S"), release("S"), sleep(1), state("A"), state("B"), state("C"), locked("S")]))
    add(f, scenario("semaphore_with_body", "async with a semaphore: permits come back on exit, also on error", [
        new("semaphore", "S", value=1), guard(with_("S", locked("S"), raise_("E"))), locked("S"),
        with_("S", log("in"), locked("S")), locked("S")]))
    add(f, scenario("semaphore_waiter_arrives_while_permits_pending", "a release while the woken waiter has not run yet, and a newcomer", [
        new("semaphore", "S", value=0), spawn("A", acquire("S"), log("a got")), spawn("B", acquire("S"), log("b got")),
        sleep(1), release("S"), spawn("N", acquire("S"), log("n got")), release("S"), yield_(), yield_(), yield_(),
        state("A"), state("B"), state("N"), locked("S")]))
    add(f, scenario("semaphore_reacquire_queues_behind_waiters", "a task that releases and acquires again goes behind the waiters", [
        new("semaphore", "S", value=1), acquire("S"),
        spawn("A", acquire("S"), log("a 1st"), release("S"), acquire("S"), log("a 2nd")),
        spawn("D", acquire("S"), log("d")), spawn("E", acquire("S"), log("e")), yield_(), release("S"), release("S"),
        sleep(1), state("A"), state("D"), state("E"), locked("S")]))
    add(f, scenario("semaphore_timeout_acquire", "acquire() under a timeout leaves the count intact", [
        new("semaphore", "S", value=1), acquire("S"), guard(timeout("t", 1, acquire("S"))), locked("S"), release("S"),
        locked("S"), acquire("S"), locked("S")]))


# ------------------------------------------------------------------ Barrier

def _party(name, on="B", rounds=1):
    steps = []
    for _ in range(rounds):
        steps.append(wait_on(on))
    return spawn(name, try_(steps, catch("BrokenBarrierError", log("broken"))))


def barrier_family(add):
    f = "barrier.json"
    add(f, scenario("barrier_indices_in_arrival_order", "three parties get indices 0, 1, 2 in arrival order", [
        new("barrier", "B", parties=3), parties("B"), spawn("A", wait_on("B")), spawn("C", sleep(1), wait_on("B")),
        spawn("D", sleep(0.5), wait_on("B")), sleep(0.75), n_waiting("B"), sleep(1), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_last_party_does_not_suspend", "the party that fills the barrier returns at once", [
        new("barrier", "B", parties=2), spawn("A", wait_on("B"), log("a released")), yield_(), wait_on("B"),
        log("main first"), yield_()]))
    add(f, scenario("barrier_parties_one", "a barrier of one party never waits", [
        new("barrier", "B", parties=1), wait_on("B"), wait_on("B"), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_zero_parties", "parties < 1 is a ValueError", [
        guard(new("barrier", "B", parties=0))]))
    add(f, scenario("barrier_two_rounds", "the barrier is reusable: the same parties pass it twice", [
        new("barrier", "B", parties=2), spawn("A", wait_on("B"), sleep(1), wait_on("B")),
        spawn("C", sleep(0.5), wait_on("B"), wait_on("B")), sleep(3), n_waiting("B")]))
    add(f, scenario("barrier_arrival_while_draining", "a task arriving in the iteration of the release waits for the next round", [
        new("barrier", "B", parties=2), spawn("A", wait_on("B"), log("a passed")),
        spawn("C", wait_on("B"), log("c passed")), spawn("D", wait_on("B"), log("d passed")), yield_(),
        n_waiting("B"), spawn("E", wait_on("B"), log("e passed")), sleep(1), n_waiting("B")]))
    add(f, scenario("barrier_abort_with_waiters", "abort() breaks the waiters; later waits fail too", [
        new("barrier", "B", parties=3), _party("A"), _party("C"), sleep(1), n_waiting("B"), abort("B"), broken("B"),
        n_waiting("B"), sleep(1), guard(wait_on("B")), state("A"), state("C")]))
    add(f, scenario("barrier_reset_with_waiters", "reset() breaks the current waiters, then the barrier works again", [
        new("barrier", "B", parties=3), _party("A"), _party("C"), sleep(1), reset("B"), broken("B"), n_waiting("B"),
        sleep(1), spawn("D", wait_on("B")), spawn("E", wait_on("B")), spawn("F", wait_on("B")), sleep(1),
        state("D"), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_reset_empty", "reset() without waiters only returns the barrier to filling", [
        new("barrier", "B", parties=2), reset("B"), broken("B"), spawn("A", wait_on("B")), wait_on("B")]))
    add(f, scenario("barrier_reset_after_abort", "reset() repairs an aborted barrier", [
        new("barrier", "B", parties=2), abort("B"), broken("B"), guard(wait_on("B")), reset("B"), broken("B"),
        spawn("A", wait_on("B")), wait_on("B"), yield_()]))
    add(f, scenario("barrier_cancel_one_waiter", "a cancelled party leaves; the barrier fills with the others", [
        new("barrier", "B", parties=3), spawn("A", wait_on("B")), spawn("C", wait_on("B")), yield_(), n_waiting("B"),
        cancel("A"), yield_(), n_waiting("B"), spawn("D", wait_on("B")), spawn("E", wait_on("B")), sleep(1),
        state("A"), state("C"), state("D"), state("E"), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_wait_timeout", "a wait() that times out leaves the barrier filling with one less", [
        new("barrier", "B", parties=2), guard(timeout("t", 1, wait_on("B"))), n_waiting("B"), broken("B"),
        spawn("A", wait_on("B")), wait_on("B")]))
    add(f, scenario("barrier_abort_from_failing_party", "a party that fails aborts the barrier for the others", [
        new("barrier", "B", parties=3), _party("A"), _party("C"),
        spawn("D", try_([sleep(1), raise_("E", "d failed")], catch("E", abort("B"), reraise()))), sleep(2),
        state("A"), state("C"), state("D"), broken("B")]))
    add(f, scenario("barrier_reset_while_draining", "reset() in the iteration in which the barrier released its parties", [
        new("barrier", "B", parties=3), _party("A"), _party("C"), yield_(), spawn("D", wait_on("B"), reset("B"),
                                                                               log("d reset")),
        sleep(1), state("A"), state("C"), broken("B"), n_waiting("B")]))
    for what in ("reset", "abort"):
        add(f, scenario("barrier_%s_half_draining_half_blocking" % what,
                        "%s() after a release, before the released party resumed, with a task blocked for the next round"
                        % what, [
            new("barrier", "B", parties=2), _party("A"), spawn("C", wait_on("B"), log("c released")),
            _party("D"), yield_(), n_waiting("B"), reset("B") if what == "reset" else abort("B"), sleep(1),
            state("A"), state("C"), state("D"), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_cancel_woken_party_message", "a party cancelled with a message in the iteration of the release", [
        new("barrier", "B", parties=2), spawn("A", wait_on("B")), yield_(), wait_on("B"), cancel("A", "stop"),
        guard(await_("A")), n_waiting("B"), broken("B")]))
    add(f, scenario("barrier_cancel_woken_party", "a party cancelled in the iteration of the release", [
        new("barrier", "B", parties=3), _party("A"), _party("C"), yield_(), wait_on("B"), cancel("A"), sleep(1),
        state("A"), state("C"), n_waiting("B"), broken("B"), spawn("D", wait_on("B")), spawn("E", wait_on("B")),
        spawn("F", wait_on("B")), sleep(1), state("F")]))


# ------------------------------------------------------------------ Queue

def queue_family(add):
    f = "queue.json"
    for kind, items in (("queue", [3, 1, 2]), ("lifo_queue", [3, 1, 2]), ("priority_queue", [3, 1, 2]),
                        ("priority_queue", [[2, "b"], [1, "z"], [2, "a"], [1, "a"]])):
        name = "%s_order%s" % (kind, "_pairs" if isinstance(items[0], list) else "")
        add(f, scenario(name, "%s: the order items come out" % kind, [
            new(kind, "Q"), *[put_nowait("Q", i) for i in items], qsize("Q"),
            *[get_nowait("Q") for _ in items], empty("Q"), guard(get_nowait("Q"))]))
    add(f, scenario("queue_probes", "qsize, empty and full of a bounded queue", [
        new("queue", "Q", maxsize=2), qsize("Q"), empty("Q"), full("Q"), put_nowait("Q", 1), full("Q"),
        put_nowait("Q", 2), full("Q"), guard(put_nowait("Q", 3)), qsize("Q"), get_nowait("Q"), full("Q"),
        empty("Q")]))
    add(f, scenario("queue_unbounded_never_full", "maxsize 0 is unbounded", [
        new("queue", "Q"), *[put_nowait("Q", i) for i in range(5)], full("Q"), qsize("Q")]))
    add(f, scenario("queue_negative_maxsize", "a negative maxsize is unbounded too (asyncio)", [
        new("queue", "Q", maxsize=-1), put_nowait("Q", 1), put_nowait("Q", 2), full("Q"), qsize("Q")]))
    add(f, scenario("queue_getters_fifo", "waiting getters get items in the order they waited", [
        new("queue", "Q"), *[spawn(n, get("Q")) for n in "ABC"], sleep(1), put_nowait("Q", 1), put_nowait("Q", 2),
        sleep(1), put("Q", 3), sleep(1), qsize("Q")]))
    add(f, scenario("queue_putters_fifo", "waiting putters of a full queue go in the order they waited", [
        new("queue", "Q", maxsize=1), put("Q", 0), *[spawn(n, put("Q", n.lower())) for n in "ABC"], sleep(1),
        *[step for _ in range(4) for step in (get("Q"), sleep(1))], qsize("Q")]))
    add(f, scenario("queue_bounded_backpressure", "a producer faster than its consumer is held back by maxsize", [
        new("queue", "Q", maxsize=2), spawn("P", *[put("Q", i) for i in range(5)], log("producer done")),
        spawn("C", *[step for _ in range(5) for step in (sleep(1), get("Q"))]), sleep(6), qsize("Q")]))
    add(f, scenario("queue_get_steals_from_woken_getter", "get_nowait right after a put takes the item the getter was woken for", [
        new("queue", "Q"), spawn("A", get("Q")), spawn("B", get("Q")), yield_(), put_nowait("Q", 1), get_nowait("Q"),
        put_nowait("Q", 2), sleep(1), state("A"), state("B"), put_nowait("Q", 3), sleep(1), state("A"), state("B")]))
    add(f, scenario("queue_put_nowait_steals_from_woken_putter", "put_nowait right after a get takes the slot a putter was woken for", [
        new("queue", "Q", maxsize=1), put_nowait("Q", 0), spawn("A", put("Q", "a")), spawn("B", put("Q", "b")), yield_(),
        get_nowait("Q"), put_nowait("Q", "main"), get_nowait("Q"), sleep(1), qsize("Q"), state("A"), state("B"),
        get_nowait("Q"), sleep(1), get_nowait("Q"), state("A"), state("B")]))
    add(f, scenario("queue_get_with_waiting_putters", "a get from a full queue lets the first putter in", [
        new("queue", "Q", maxsize=1), put_nowait("Q", 1), spawn("P", put("Q", 2), log("p put")), yield_(), get("Q"),
        qsize("Q"), yield_(), qsize("Q"), get("Q")]))
    add(f, scenario("queue_put_with_waiting_getters", "a put to an empty queue with getters waiting", [
        new("queue", "Q"), spawn("G", get("Q")), yield_(), put("Q", 1), qsize("Q"), yield_(), qsize("Q"), state("G")]))
    add(f, scenario("queue_getter_cancelled_before_put", "a cancelled getter takes nothing; the item goes to the next", [
        new("queue", "Q"), spawn("A", get("Q")), spawn("B", get("Q")), yield_(), cancel("A"), yield_(),
        put_nowait("Q", 1), yield_(), state("A"), state("B"), qsize("Q")]))
    add(f, scenario("queue_getter_cancel_race_two_items", "two items, the first woken getter cancelled: both items find a getter", [
        new("queue", "Q"), *[spawn(n, get("Q")) for n in "ABC"], yield_(), put_nowait("Q", 1), put_nowait("Q", 2),
        cancel("A"), sleep(1), state("A"), state("B"), state("C"), qsize("Q")]))
    add(f, scenario("queue_putter_cancel_race", "the woken putter is cancelled: the slot goes to the next putter", [
        new("queue", "Q", maxsize=1), put_nowait("Q", 0), spawn("A", put("Q", "a")), spawn("B", put("Q", "b")), yield_(),
        get_nowait("Q"), cancel("A"), sleep(1), state("A"), state("B"), qsize("Q"), get_nowait("Q")]))
    add(f, scenario("queue_get_timeout", "get() under a timeout: TimeoutError, a later item stays queued", [
        new("queue", "Q"), guard(timeout("t", 1, get("Q"))), put_nowait("Q", 1), qsize("Q"), yield_(), qsize("Q")]))
    add(f, scenario("queue_put_timeout", "put() under a timeout: the item is not added", [
        new("queue", "Q", maxsize=1), put_nowait("Q", 1), guard(timeout("t", 1, put("Q", 2))), qsize("Q"),
        get_nowait("Q"), guard(get_nowait("Q"))]))
    add(f, scenario("queue_wait_for_get", "wait_for(get) in a task, with an item arriving in time", [
        new("queue", "Q"), spawn("P", sleep(1), put("Q", "late")), wait_for(task("G", get("Q")), 2)]))
    add(f, scenario("queue_task_done_join", "join() returns after task_done() for every item put", [
        new("queue", "Q"), spawn("J", join("Q"), log("joined")), *[put_nowait("Q", i) for i in range(3)],
        spawn("C", *[step for _ in range(3) for step in (get("Q"), sleep(1), task_done("Q"))]),
        spawn("J2", sleep(0.5), join("Q"), log("joined 2")), sleep(4), state("J2")]))
    add(f, scenario("queue_join_empty", "join() on a queue with nothing unfinished returns at once", [
        new("queue", "Q"), spawn("A", log("a runs")), join("Q"), log("main first"), put_nowait("Q", 1),
        get_nowait("Q"), task_done("Q"), join("Q"), yield_()]))
    add(f, scenario("queue_task_done_too_many", "task_done() more often than items put is a ValueError", [
        new("queue", "Q"), guard(task_done("Q")), put_nowait("Q", 1), get_nowait("Q"), task_done("Q"),
        guard(task_done("Q"))]))
    add(f, scenario("queue_join_waits_for_task_done_not_get", "items taken but not done still hold join()", [
        new("queue", "Q"), put_nowait("Q", 1), get_nowait("Q"), empty("Q"), guard(timeout("t", 1, join("Q"))),
        task_done("Q"), join("Q")]))
    add(f, scenario("queue_join_cancelled", "a cancelled join() leaves the others waiting", [
        new("queue", "Q"), put_nowait("Q", 1), spawn("A", join("Q")), spawn("B", join("Q"), log("b joined")), yield_(),
        cancel("A"), yield_(), get_nowait("Q"), task_done("Q"), yield_(), state("A"), state("B")]))
    add(f, scenario("queue_lifo_bounded_putters", "LIFO queue with putters waiting", [
        new("lifo_queue", "Q", maxsize=2), put("Q", 1), put("Q", 2), spawn("A", put("Q", 3)), yield_(),
        get("Q"), yield_(), get("Q"), get("Q"), empty("Q")]))
    add(f, scenario("priority_queue_getter_gets_smallest", "a waiting getter of a priority queue", [
        new("priority_queue", "Q"), spawn("G", get("Q"), get("Q")), yield_(), put_nowait("Q", 5), put_nowait("Q", 1),
        yield_(), yield_(), state("G")]))
    add(f, scenario("queue_producers_consumers", "two producers and two consumers over a bounded queue", [
        new("queue", "Q", maxsize=1),
        spawn("P1", put("Q", "p1a"), put("Q", "p1b")), spawn("P2", put("Q", "p2a"), put("Q", "p2b")),
        spawn("C1", get("Q"), sleep(1), get("Q")), spawn("C2", get("Q"), sleep(1), get("Q")), sleep(3),
        qsize("Q"), state("P1"), state("P2")]))


# ------------------------------------------------------------------ Queue.shutdown (Python 3.13)

def queue_shutdown_family(add):
    """aio4j-only on 3.11: their expected outcomes are CPython 3.13's (see deliberate.py)."""
    f = "queue_shutdown_aio4j_only.json"
    scs = [
        scenario("queue_shutdown_wakes_getters", "shutdown() wakes the getters of an empty queue with QueueShutDown", [
            new("queue", "Q"), spawn("A", get("Q")), spawn("B", get("Q")), sleep(1), shutdown("Q"), sleep(1),
            state("A"), state("B"), guard(get("Q")), guard(get_nowait("Q"))]),
        scenario("queue_shutdown_graceful_drains", "after shutdown() puts fail, gets drain what is left, then fail", [
            new("queue", "Q"), put_nowait("Q", 1), put_nowait("Q", 2), shutdown("Q"), guard(put_nowait("Q", 3)),
            guard(put("Q", 4)), qsize("Q"), get("Q"), get_nowait("Q"), guard(get_nowait("Q")), guard(get("Q")),
            empty("Q")]),
        scenario("queue_shutdown_wakes_putters", "shutdown() wakes the putters of a full queue with QueueShutDown", [
            new("queue", "Q", maxsize=1), put_nowait("Q", 0), spawn("A", put("Q", "a")), spawn("B", put("Q", "b")),
            sleep(1), shutdown("Q"), sleep(1), state("A"), state("B"), qsize("Q"), get("Q"), guard(get("Q"))]),
        scenario("queue_shutdown_immediate_discards", "shutdown(immediate) discards the items; join waits only for taken ones", [
            new("queue", "Q"), *[put_nowait("Q", i) for i in range(3)], get_nowait("Q"),
            spawn("J", join("Q"), log("joined")), yield_(), shutdown("Q", immediate=True), qsize("Q"),
            guard(get_nowait("Q")), yield_(), state("J"), task_done("Q"), yield_(), state("J")]),
        scenario("queue_shutdown_immediate_releases_join", "shutdown(immediate) with no item taken releases join() at once", [
            new("queue", "Q"), put_nowait("Q", 1), put_nowait("Q", 2), spawn("J", join("Q"), log("joined")), yield_(),
            shutdown("Q", immediate=True), yield_(), state("J")]),
        scenario("queue_shutdown_graceful_join_still_waits", "shutdown() does not release join(): task_done() still counts", [
            new("queue", "Q"), put_nowait("Q", 1), spawn("J", join("Q"), log("joined")), yield_(), shutdown("Q"),
            yield_(), state("J"), get("Q"), task_done("Q"), yield_(), state("J")]),
        scenario("queue_shutdown_then_immediate", "shutdown() then shutdown(immediate) discards what is left", [
            new("queue", "Q"), put_nowait("Q", 1), put_nowait("Q", 2), shutdown("Q"), get_nowait("Q"),
            shutdown("Q", immediate=True), qsize("Q"), guard(get_nowait("Q"))]),
        scenario("queue_shutdown_woken_getter_takes_item", "a getter woken for an item before shutdown() still gets it", [
            new("queue", "Q"), spawn("A", get("Q")), spawn("B", get("Q")), yield_(), put_nowait("Q", 1),
            shutdown("Q"), sleep(1), state("A"), state("B")]),
        scenario("queue_shutdown_consumers_drain", "consumers loop on get() until QueueShutDown after the producer shuts down", [
            new("queue", "Q", maxsize=1),
            spawn("P", *[put("Q", i) for i in range(3)], shutdown("Q"), log("producer done")),
            spawn("C1", try_([get("Q"), sleep(1), get("Q"), sleep(1), get("Q")], catch("QueueShutDown", log("c1 stops")))),
            spawn("C2", try_([get("Q"), sleep(1), get("Q"), sleep(1), get("Q")], catch("QueueShutDown", log("c2 stops")))),
            sleep(5), state("C1"), state("C2")]),
    ]
    for sc in scs:
        sc["python"] = False
        add(f, sc)


def all_families(add):
    cancel_matrix(add)
    lock_family(add)
    event_family(add)
    condition_family(add)
    semaphore_family(add)
    barrier_family(add)
    queue_family(add)
    queue_shutdown_family(add)
