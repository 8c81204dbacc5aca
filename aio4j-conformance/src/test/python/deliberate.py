"""aio4j's deliberate differences from CPython 3.11 asyncio, each with the outcome aio4j must produce.

An "aio4j_expected" block replaces the parts of CPython's outcome it names ("trace", "result",
"tasks": a dict merged over CPython's), and says why in "why". Scenarios CPython 3.11 cannot run
at all (API from later Pythons) say "python": false and give the whole outcome. A
"known_discrepancy" is not deliberate: an aio4j bug found by the suite, reported, not fixed yet;
the test reports it as skipped, with its diff, until aio4j matches.

The expected outcomes are in aio4j_expected.json, one per scenario name. They were taken from aio4j's
run (extract_actual.py) and checked line by line against the "why"; tg_cancel_and_outer_cancel was
written by hand. Those of org.aio4j.sync where aio4j follows CPython 3.13 (Condition) or that use
3.13 API (Queue.shutdown) are CPython 3.13.0's own outcomes (cpython_outcomes.py), not aio4j's; so are
those of the TaskGroup keeping an outer cancellation (3.13), with the message edited in by hand where
aio4j keeps it and 3.13 does not.
"""

import json
import os

from scenario_dsl import *  # noqa: F401,F403

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "aio4j_expected.json"), encoding="utf-8") as _f:
    EXPECTED = json.load(_f)


def expect(name, why):
    block = {"why": why}
    block.update(EXPECTED[name])
    return block


# (1) listed by the project
WHY_UNCANCEL = ("uncancel() reaching 0 drops a cancellation not yet delivered (Python 3.13 behaviour; 3.11"
                " still delivers it). Task.uncancel's Javadoc.")

# Found by this suite: 3.11 takes the group's cancel request back before waiting for the tasks at exit,
# so a task failing during that wait leaves the parent's cancelling() at 1; 3.12+ and aio4j uncancel after.
WHY_TG_UNCANCEL_AFTER_WAIT = ("the group takes back its cancellation of the parent after waiting for its tasks"
                              " (CPython 3.12+ order); 3.11 does it before, so a child failing during the wait"
                              " leaves the parent's cancelling() at 1 for ever.")

# From CPython 3.13's own tests (test_taskgroups test_error_and_cancel): 3.11 and 3.12 swallow it.
WHY_TG_KEEPS_OUTER_CANCEL = ("when a group raises its ExceptionGroup while the task running it is being cancelled"
                             " from outside, the cancellation is kept: cancelling() stays 1 and the task's next await"
                             " raises CancelledError, as in CPython 3.13; 3.11 and 3.12 swallow it. Expected:"
                             " CPython 3.13.0's run, with one change: the re-delivered CancelledError carries the"
                             " outer cancel's message, where 3.13 re-cancels without one (the message is the point"
                             " of cancel(msg); TaskGroup's Javadoc).")

# Found by this suite: CPython 3.11 keeps the message of a task's cancellation only for the first consumer.
WHY_CANCEL_MESSAGE = ("aio4j keeps a cancelled task's message for every consumer. CPython 3.11 stores the"
                      " task's CancelledError once and hands it to the first result() call only (later awaiters"
                      " get a bare CancelledError), and a task cancelled by its coroutine raising records no"
                      " message at all, so gather(return_exceptions=True) reports CancelledError('').")

# (2) as the project states it now: waitFor never swallows a cancellation of its caller.
WHY_WAIT_FOR_NO_SWALLOW = ("asyncio 3.11's wait_for returns the work's result when its caller is cancelled in"
                           " the iteration in which the work completed, swallowing the cancellation; aio4j's"
                           " waitFor raises the CancelledError (a cancelled caller must see its cancellation).")

WHY_TG_CANCEL = ("TaskGroup.cancel() is Python 3.15 API (gh-108951); CPython 3.11 cannot run it. Expected:"
                 " 3.15's documented semantics, the group ends early without an error.")

UNCANCEL_DROPS_PENDING = {"aio4j_expected": expect("uncancel_pending_cancel_dropped", WHY_UNCANCEL)}
WAIT_FOR_NO_SWALLOW = {name: {"aio4j_expected": expect(name, WHY_WAIT_FOR_NO_SWALLOW)} for name in (
    "wait_for_outer_cancel_when_work_just_done",)}
TG_UNCANCEL_AFTER_WAIT = {name: {"aio4j_expected": expect(name, WHY_TG_UNCANCEL_AFTER_WAIT)} for name in (
    "taskgroup_child_fails_after_body_done",)}
TG_KEEPS_OUTER_CANCEL = {name: {"aio4j_expected": expect(name, WHY_TG_KEEPS_OUTER_CANCEL)} for name in (
    "taskgroup_error_and_outer_cancel", "taskgroup_outer_cancel_while_failing")}
CANCEL_MESSAGE_KEPT = {name: {"aio4j_expected": expect(name, WHY_CANCEL_MESSAGE)} for name in (
    "cancel_message_propagates_through_chain", "gather_cancelled_fail_ok_return_exceptions",
    "gather_fail_cancelled_ok_return_exceptions", "gather_of_cancelled_child_return_exceptions",
    "gather_ok_cancelled_ok_return_exceptions")}

# org.aio4j.sync, as its classes document them.
WHY_CONDITION_HANDS_ON = ("a Condition waiter that a notify had reached but that ends with CancelledError (cancelled"
                          " in the iteration of the notify, or while re-acquiring the lock) passes one notification"
                          " on to the next waiter, as CPython 3.13 does (gh-112202); 3.11 loses it and leaves that"
                          " waiter asleep. Expected: CPython 3.13.0's run. (3.13 also wakes one waiter spuriously"
                          " when a waiter that no notify had reached is cancelled; aio4j does not, as 3.11.)")
WHY_CONDITION_LAST_CANCEL = ("a Condition waiter cancelled while it re-acquires the lock rethrows the last"
                             " CancelledError it received, with its message, as CPython 3.13 does; 3.11 raises a new,"
                             " bare one. Expected: CPython 3.13.0's run.")
WHY_QUEUE_SHUTDOWN = ("Queue.shutdown() is Python 3.13 API; CPython 3.11 cannot run it. Expected: CPython 3.13.0's"
                      " run.")
WHY_WAIT_FOR_CHECKS_LOCK = ("Condition.waitFor checks that the lock is held before it calls the predicate; asyncio's"
                            " wait_for calls it first and only notices the missing lock when it is false, so the"
                            " misuse hides while the state happens to be right (Condition's implementation notes).")
WHY_QUEUE_NEGATIVE_MAXSIZE = ("a negative maxsize is an IllegalArgumentException (ValueError): asyncio takes it as"
                              " unbounded, aio4j as a bug, since 0 says unbounded (Queue's implementation notes).")
WHY_COUNT_MISUSE_IS_STATE = ("Queue.taskDone() called too often and a BoundedSemaphore released above its initial"
                             " value throw IllegalStateException (printed RuntimeError), where asyncio raises"
                             " ValueError: there is no bad argument, the object's state forbids the call"
                             " (Queue.taskDone and Semaphore's implementation notes).")
WHY_PERMIT_IN_FLIGHT_IS_TAKEN = ("a permit on its way to a woken waiter that has not resumed yet counts as taken: a"
                                 " BoundedSemaphore release made meanwhile is the extra one, and raises"
                                 " IllegalStateException (printed RuntimeError); asyncio compares only its value,"
                                 " which already lacks that permit, lets it pass, and the woken waiter's own release"
                                 " fails later with ValueError (Semaphore's implementation notes). Found while"
                                 " modelling aio4j for the random programs.")

SYNC = {}
for _why, _names in (
        (WHY_CONDITION_HANDS_ON, ("sync_condition_wake_then_cancel", "sync_condition_wake_then_cancel_message",
                                  "condition_cancel_while_reacquiring")),
        (WHY_CONDITION_LAST_CANCEL, ("condition_cancel_while_reacquiring_message",
                                     "condition_cancelled_twice_while_reacquiring")),
        (WHY_WAIT_FOR_CHECKS_LOCK, ("condition_wait_without_lock",)),
        (WHY_QUEUE_NEGATIVE_MAXSIZE, ("queue_negative_maxsize",)),
        (WHY_COUNT_MISUSE_IS_STATE, ("queue_task_done_too_many", "bounded_semaphore_over_release")),
        (WHY_PERMIT_IN_FLIGHT_IS_TAKEN, ("bounded_semaphore_release_while_permit_in_flight",)),
        (WHY_QUEUE_SHUTDOWN, ("queue_shutdown_wakes_getters", "queue_shutdown_graceful_drains",
                              "queue_shutdown_wakes_putters", "queue_shutdown_immediate_discards",
                              "queue_shutdown_immediate_releases_join", "queue_shutdown_graceful_join_still_waits",
                              "queue_shutdown_then_immediate", "queue_shutdown_woken_getter_takes_item",
                              "queue_shutdown_consumers_drain"))):
    for _name in _names:
        SYNC[_name] = {"aio4j_expected": expect(_name, _why)}

# Async generators (agen_scenarios.py), as docs/generators.md, "Differences from Python", states them.
WHY_ATHROW_ENDED = ("athrow(e) on an async generator that has ended raises StopAsyncIteration; CPython 3.11 returns"
                    " None (3.12 deprecates that). A Java method returning T has no \"nothing\" the caller could tell"
                    " from a null value (docs/generators.md, Differences from Python).")
WHY_ASEND_FRESH_IS_ARGUMENT = ("asend(v) with v not None to a generator that has not started throws"
                               " IllegalArgumentException (printed ValueError) where CPython raises TypeError: Java"
                               " has no TypeError, and the value passed is the bad argument (AsyncGenerator.asend's"
                               " Javadoc).")
WHY_CANCELLED_ACLOSE_ENDS = ("an aclose() interrupted by the CancelledError of the task awaiting it (the finally was"
                             " sleeping) ends the generator: a later anext raises StopAsyncIteration, as in CPython"
                             " 3.13 (athrow().throw() resets the running flag there, gh-117881); 3.11 and 3.12 leave"
                             " the generator marked running, so every later anext raises RuntimeError. Expected:"
                             " CPython 3.13.0's run.")
AGEN = {"agen_athrow_ended": {"aio4j_expected": expect("agen_athrow_ended", WHY_ATHROW_ENDED)},
        "agen_asend_value_to_fresh": {"aio4j_expected": expect("agen_asend_value_to_fresh",
                                                               WHY_ASEND_FRESH_IS_ARGUMENT)},
        "agen_anext_after_cancelled_aclose": {"aio4j_expected": expect("agen_anext_after_cancelled_aclose",
                                                                       WHY_CANCELLED_ACLOSE_ENDS)}}

# Found by RandomProgramsTest (random_findings.json); each is also emulated in aio4j_reference.py's
# KNOWN_BUGS, so that random programs hitting it are reported as skipped. Fixing one: remove it here
# and there.
KNOWN_DISCREPANCIES = {}  # the three found so far are fixed


def apply(sc):
    """Adds the override or known-discrepancy marker that belongs to scenario sc, if any."""
    name = sc["name"]
    for table in (WAIT_FOR_NO_SWALLOW, TG_UNCANCEL_AFTER_WAIT, TG_KEEPS_OUTER_CANCEL, CANCEL_MESSAGE_KEPT, SYNC, AGEN):
        if name in table:
            sc.update(table[name])
    if name in KNOWN_DISCREPANCIES:
        sc["known_discrepancy"] = KNOWN_DISCREPANCIES[name]
    return sc


def aio4j_only():
    only = {"python": False}
    f = "taskgroup_cancel_aio4j_only.json"
    scs = [
        scenario("tg_cancel_from_body", "TaskGroup.cancel() in the body: children and body cancelled, no error", [
            taskgroup("g",
                      spawn("A", try_([sleep(5)], catch("CancelledError", log("a cancelled"), reraise())), tg="g"),
                      spawn("B", sleep(5), tg="g"),
                      sleep(1), tg_cancel("g"), log("cancel requested"),
                      try_([sleep(1)], catch("CancelledError", log("body cancelled"), cancelling(), reraise()))),
            log("after group"), cancelling(), state("A"), state("B")], **only),
        scenario("tg_cancel_from_child", "a child cancels its own group: siblings, itself and the body end, no error", [
            taskgroup("g",
                      spawn("C", sleep(1), tg_cancel("g"), log("c asked"), sleep(1), log("never"), tg="g"),
                      spawn("D", sleep(5), tg="g"),
                      try_([sleep(5)], catch("CancelledError", log("body cancelled"), reraise()))),
            log("after group"), cancelling(), state("C"), state("D")], **only),
        scenario("tg_cancel_while_exiting", "cancel() while the group waits for children at exit", [
            taskgroup("g",
                      spawn("C", sleep(1), tg_cancel("g"), log("c asked"), tg="g"),
                      spawn("D", try_([sleep(5)], catch("CancelledError", log("d cancelled"), reraise())), tg="g"),
                      log("body done")),
            log("after group"), cancelling(), state("D")], **only),
        scenario("tg_cancel_after_failure", "a failure before cancel() still raises its ExceptionGroup", [
            guard(taskgroup("g",
                            spawn("A", sleep(1), raise_("E1", "a"), tg="g"),
                            spawn("B", guard(sleep(5)), sleep(0.5), tg_cancel("g"), log("b asked"), tg="g"),
                            sleep(5))),
            cancelling()], **only),
        scenario("tg_cancel_finished_group", "cancel() on a finished group does nothing", [
            taskgroup("g", spawn("A", ret("a"), tg="g")), tg_cancel("g"), log("no effect"), sleep(1),
            cancelling(), await_("A")], **only),
        scenario("tg_cancel_and_outer_cancel", "an outer cancellation while the cancelled group waits still propagates", [
            spawn("P", taskgroup("g", spawn("A", try_([sleep(5)], catch("CancelledError", sleep(1), log("a cleaned"),
                                                                        reraise())), tg="g"),
                                 sleep(0.5), tg_cancel("g"),
                                 try_([sleep(1)], catch("CancelledError", log("body cancelled"), reraise()))),
                  log("never")),
            sleep(1), cancel("P", "outer"), guard(await_("P")), cancelling("P")], **only),
        scenario("tg_cancel_twice", "a second cancel() is harmless", [
            taskgroup("g", spawn("A", sleep(5), tg="g"), sleep(1), tg_cancel("g"), tg_cancel("g"),
                      guard(sleep(1)), cancelling()),
            log("after group"), cancelling()], **only),
    ]
    for sc in scs:
        sc["aio4j_expected"] = expect(sc["name"], WHY_TG_CANCEL)
    return {f: scs}
