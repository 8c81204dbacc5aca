"""Writes the scenario files under src/test/resources/scenarios/.

    python3 src/test/python/generate_scenarios.py      (from aio4j-conformance/)

The generated JSON is committed: the test reads the JSON, never this script. Families of
scenarios (a matrix of cancel times x handlers, of timeout nestings, ...) are generated; edge cases
are written out one by one. Deliberate differences of aio4j carry an "aio4j_expected" block with
a "why"; they live in deliberate.py so that every one is in one place. The families of the
synchronization primitives and queues are in sync_scenarios.py, the async generators in
agen_scenarios.py.
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario_dsl import *  # noqa: F401,F403,E402
import deliberate  # noqa: E402
import sync_scenarios  # noqa: E402
import agen_scenarios  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "scenarios")

FILES = {}


def add(file, sc):
    FILES.setdefault(file, []).append(deliberate.apply(sc))


# ------------------------------------------------------------------ basics

def basics():
    f = "basics.json"
    add(f, scenario("spawn_order_is_fifo", "tasks start in creation order, after the creator suspends", [
        spawn("A", log("a")), spawn("B", log("b")), spawn("C", log("c")), log("main before yield"),
        yield_(), log("main after yield")]))
    add(f, scenario("sleep_wakes_in_deadline_order", "timers run by deadline, ties in scheduling order", [
        spawn("A", sleep(2), log("a")), spawn("B", sleep(1), log("b")), spawn("C", sleep(2), log("c")),
        spawn("D", sleep(1), log("d")), sleep(3)]))
    add(f, scenario("await_task_result", "awaiting a task returns its result", [
        spawn("A", sleep(1), ret(42)), await_("A"), ret("done")]))
    add(f, scenario("await_failing_task", "awaiting a task that raised rethrows its error", [
        spawn("A", sleep(1), raise_("ValueError", "boom")), guard(await_("A")), ret(1)]))
    add(f, scenario("await_done_task_twice", "a done task can be awaited again, without suspending", [
        spawn("A", ret(7)), await_("A"), await_("A"), state("A")]))
    add(f, scenario("main_raises", "the main task's error is the run's outcome", [
        sleep(0.5), raise_("KeyError", "k")]))
    add(f, scenario("yield_interleaves", "sleep(0) lets every ready task run once", [
        spawn("A", log("a1"), yield_(), log("a2"), yield_(), log("a3")),
        spawn("B", log("b1"), yield_(), log("b2"), yield_(), log("b3")),
        yield_(), log("m1"), yield_(), log("m2"), yield_(), log("m3"), yield_()]))
    add(f, scenario("inline_coroutine_runs_in_caller", "awaiting a coroutine runs it in the caller's task", [
        call(log("inside"), sleep(1), log("still inside")), log("after")]))
    add(f, scenario("inline_coroutine_return_value", "a return inside an inline coroutine ends only it", [
        call(log("x"), ret(3), log("never")), log("after call")]))
    add(f, scenario("future_set_result_wakes_waiter", "a future's result wakes the task awaiting it", [
        future("F"), spawn("A", await_("F"), log("a woke")), sleep(1), set_result("F", "v"), log("set"),
        yield_(), log("main after"), yield_()]))
    add(f, scenario("future_set_exception_wakes_waiter", "a future's exception reaches its waiters", [
        future("F"), spawn("A", guard(await_("F"))), spawn("B", guard(await_("F"))), sleep(1),
        set_exception("F", "OSError", "io"), sleep(1)]))
    add(f, scenario("two_waiters_on_one_task", "every task awaiting a task wakes when it finishes, in order", [
        spawn("W", sleep(1), ret("w")), spawn("A", await_("W")), spawn("B", await_("W")), sleep(2)]))
    add(f, scenario("pending_tasks_cancelled_at_shutdown", "tasks still running when main ends are cancelled", [
        spawn("A", try_([sleep(10)], catch("CancelledError", log("a cleanup"), reraise()))), sleep(1)]))
    add(f, scenario("nested_try_finally_order", "finally blocks run innermost first, also on errors", [
        try_([try_([raise_("ValueError", "x")], finally_=[log("inner finally")])],
             catch("ValueError", log("handled")), finally_=[log("outer finally")])]))
    add(f, scenario("catch_exception_does_not_catch_cancel",
                    "a catch of Exception does not catch CancelledError (it is a BaseException)", [
        spawn("A", try_([try_([sleep(5)], catch("Exception", log("wrong handler")))],
                        catch("CancelledError", log("right handler"), reraise()))),
        sleep(1), cancel("A"), sleep(1)]))
    add(f, scenario("task_returns_after_caught_error", "a task that handles its error finishes normally", [
        spawn("A", try_([sleep(1), raise_("E")], catch("E", log("handled"))), ret("ok")), await_("A")]))


# ------------------------------------------------------------------ cancellation matrix

HANDLERS = {
    "plain": lambda: [sleep(1), log("slept"), ret("r")],
    "rethrow": lambda: [try_([sleep(1), log("slept")], catch("CancelledError", log("cleanup"), reraise())),
                        ret("r")],
    "swallow": lambda: [try_([sleep(1), log("slept")], catch("CancelledError", log("swallowed"))),
                        ret("r")],
    "cleanup_sleeps": lambda: [try_([sleep(1), log("slept")],
                                    catch("CancelledError", cancelling(), sleep(0.25), log("cleaned"),
                                          reraise())), ret("r")],
    "finally": lambda: [try_([sleep(1), log("slept")], finally_=[log("finally")]), ret("r")],
}

CANCEL_AT = {"before_first_step": None, "while_sleeping": 0.5, "at_wakeup_instant": 1, "after_done": 1.5}


def cancel_matrix():
    f = "cancel_matrix.json"
    for when_name, t in CANCEL_AT.items():
        for hname, body in HANDLERS.items():
            for msg in (None, "stop"):
                pre = [spawn("A", *body())]
                if t is not None:
                    pre.append(sleep(t))
                main = pre + [cancel("A", msg), cancelling("A"), guard(await_("A")), state("A")]
                name = "cancel_%s_%s%s" % (when_name, hname, "_msg" if msg else "")
                add(f, scenario(name, "cancel a task %s; its body: %s; message: %r" % (
                    when_name.replace("_", " "), hname, msg), main))


# ------------------------------------------------------------------ cancellation edge cases

def cancel_edges():
    f = "cancel_edges.json"
    add(f, scenario("cancel_before_first_step_never_starts", "a task cancelled before its first step never runs", [
        spawn("A", log("must not run")), cancel("A", "early"), yield_(), state("A"), guard(await_("A"))]))
    add(f, scenario("double_cancel_counts_twice", "two cancel() calls count two requests; one CancelledError", [
        spawn("A", try_([sleep(5)], catch("CancelledError", cancelling(), reraise()))),
        sleep(1), cancel("A", "one"), cancel("A", "two"), cancelling("A"), guard(await_("A"))]))
    add(f, scenario("double_cancel_keeps_first_message",
                    "the second cancel of a task already waking keeps the first message", [
        spawn("A", guard(sleep(5)), cancelling(), ret("survived")),
        sleep(1), cancel("A", "first"), cancel("A", "second"), await_("A")]))
    add(f, scenario("cancel_during_cleanup", "a second cancel while the task sleeps in its cleanup", [
        spawn("A", try_([sleep(5)], catch("CancelledError", log("cleanup 1"), cancelling(),
                                              try_([sleep(1)], catch("CancelledError", log("cleanup interrupted"),
                                                                     cancelling(), reraise())),
                                              log("never")))),
        sleep(1), cancel("A", "first"), sleep(0.5), cancel("A", "second"), guard(await_("A")), state("A")]))
    add(f, scenario("cancel_during_cleanup_swallowed",
                    "a cleanup that swallows the second cancel and finishes normally", [
        spawn("A", try_([sleep(5)], catch("CancelledError", log("cleanup"),
                                              try_([sleep(1)], catch("CancelledError", log("second swallowed"))),
                                              ret("cleaned")))),
        sleep(1), cancel("A"), sleep(0.5), cancel("A"), await_("A"), cancelling("A")]))
    add(f, scenario("cancel_task_awaiting_task", "cancelling a task that awaits another cancels that one too", [
        spawn("Inner", try_([sleep(5)], catch("CancelledError", log("inner cancelled"), reraise()))),
        spawn("Outer", try_([await_("Inner")], catch("CancelledError", log("outer cancelled"), reraise()))),
        sleep(1), cancel("Outer", "from main"), guard(await_("Outer")), state("Inner"), cancelling("Inner")]))
    add(f, scenario("cancel_inner_task_reaches_awaiter", "cancelling the awaited task raises in the awaiter", [
        spawn("Inner", sleep(5)), spawn("Outer", guard(await_("Inner")), ret("outer survived")),
        sleep(1), cancel("Inner", "inner msg"), await_("Outer"), cancelling("Outer")]))
    add(f, scenario("cancel_message_propagates_through_chain", "a cancel message travels through awaits", [
        spawn("C", sleep(5)), spawn("B", await_("C")), spawn("A", await_("B")),
        sleep(1), cancel("A", "deep"), guard(await_("A")), guard(await_("B")), guard(await_("C"))]))
    add(f, scenario("cancel_task_awaiting_future", "cancelling a task that awaits a future cancels the future", [
        future("F"), spawn("A", guard(await_("F")), state("F")), sleep(1), cancel("A", "m"), sleep(1),
        state("F")]))
    add(f, scenario("cancel_self_then_await", "a task that cancels itself sees CancelledError at its next await", [
        spawn("A", cancel("A", "self"), log("still running"), cancelling(), guard(sleep(1)), log("after")),
        sleep(2)]))
    add(f, scenario("cancel_self_then_yield", "self-cancel delivered at a sleep(0)", [
        spawn("A", cancel("A"), try_([yield_()], catch("CancelledError", log("at yield"), reraise()))),
        sleep(1), state("A")]))
    add(f, scenario("cancel_done_task_returns_false", "cancel of a finished task returns false and counts nothing", [
        spawn("A", ret(1)), yield_(), yield_(), cancel("A"), cancelling("A"), state("A")]))
    add(f, scenario("cancel_failed_task_returns_false", "cancel of a failed task returns false", [
        spawn("A", raise_("E", "x")), sleep(1), cancel("A"), state("A"), guard(await_("A"))]))
    add(f, scenario("cancelling_counts_accumulate", "cancelling() counts requests, uncancel() takes them back", [
        spawn("A", guard(sleep(5)), cancelling(), guard(sleep(5)), cancelling(), uncancel(), uncancel(),
              cancelling(), ret("end")),
        sleep(1), cancel("A"), sleep(1), cancel("A"), await_("A")]))
    add(f, scenario("cancel_while_running_then_awaits_future", "a request while running cancels the next future awaited", [
        future("F"),
        spawn("A", cancel("A", "pre"), try_([await_("F")], catch("CancelledError", log("got it"), state("F"),
                                                                  reraise()))),
        sleep(1)]))
    add(f, scenario("swallowed_cancel_task_completes", "a task that swallows cancellation is not cancelled", [
        spawn("A", guard(sleep(5)), sleep(1), ret("alive")), sleep(1), cancel("A"), await_("A"), state("A")]))
    add(f, scenario("catch_cancel_and_raise_other", "replacing CancelledError by another error fails the task", [
        spawn("A", try_([sleep(5)], catch("CancelledError", raise_("RuntimeErr", "replaced")))),
        sleep(1), cancel("A"), guard(await_("A")), state("A")]))
    add(f, scenario("cleanup_awaits_other_task", "cleanup may await another task, then rethrow", [
        spawn("Helper", sleep(2), ret("helped")),
        spawn("A", try_([sleep(5)], catch("CancelledError", await_("Helper"), reraise()))),
        sleep(1), cancel("A"), guard(await_("A"))]))
    add(f, scenario("cancel_main_from_child", "a child cancelling the main task", [
        spawn("A", sleep(1), cancel("main", "by child")), try_([sleep(5)], catch("CancelledError", log("main got it"))),
        cancelling(), uncancel(), ret("main continues")]))
    add(f, scenario("cancel_same_instant_as_timer", "a cancel at the very instant a sleep ends still lands", [
        spawn("A", try_([sleep(1)], catch("CancelledError", log("cancelled at wakeup"), reraise())), log("after")),
        spawn("B", sleep(1), cancel("A", "same instant")), sleep(2)]))
    add(f, scenario("cancel_before_first_step_of_awaiter", "an awaiter cancelled before starting does not cancel what it would await", [
        spawn("Inner", sleep(1), ret("inner done")), spawn("Outer", await_("Inner")), cancel("Outer"),
        sleep(2), state("Outer"), state("Inner")]))


# ------------------------------------------------------------------ gather

OUTCOMES = {
    "ok": lambda n, t: [sleep(t), ret(n)],
    "fail": lambda n, t: [sleep(t), raise_("E" + n, n)],
    "cancelled": lambda n, t: [sleep(t), cancel(n, "self " + n), yield_()],
}


def gather_family():
    f = "gather.json"
    combos = [("ok", "ok", "ok"), ("ok", "fail", "ok"), ("fail", "ok", "fail"), ("ok", "cancelled", "ok"),
              ("cancelled", "fail", "ok"), ("fail", "cancelled", "ok")]
    for combo in combos:
        for rexc in (False, True):
            items = []
            for i, (name, kind) in enumerate(zip("ABC", combo)):
                items.append(task(name, *OUTCOMES[kind](name, [2, 1, 3][i])))
            add(f, scenario("gather_%s%s" % ("_".join(combo), "_return_exceptions" if rexc else ""),
                            "gather of children that end %s, return_exceptions=%s" % (combo, rexc),
                            [guard(gather(*items, return_exceptions=rexc)), sleep(4)]))
    add(f, scenario("gather_empty", "gather() with nothing is an empty list at once", [gather(), ret("ok")]))
    add(f, scenario("gather_results_in_argument_order", "results follow argument order, not finishing order", [
        gather(task("A", sleep(3), ret("a")), task("B", sleep(1), ret("b")), task("C", sleep(2), ret("c")))]))
    add(f, scenario("gather_same_task_twice", "a task passed twice runs once and appears twice", [
        spawn("A", sleep(1), ret(5)), gather("A", "A", task("B", ret(6)))]))
    add(f, scenario("gather_of_cancelled_child", "gather of a child that is cancelled from outside", [
        spawn("A", sleep(5)), spawn("B", sleep(1), ret("b")), spawn("K", sleep(0.5), cancel("A", "killed")),
        guard(gather("A", "B")), sleep(1), state("B")]))
    add(f, scenario("gather_of_cancelled_child_return_exceptions", "return_exceptions turns a cancelled child into a result", [
        spawn("A", sleep(5)), spawn("B", sleep(1), ret("b")), spawn("K", sleep(0.5), cancel("A", "killed")),
        gather("A", "B", return_exceptions=True)]))
    add(f, scenario("cancel_gather_future", "cancelling the gather cancels every child", [
        gather(task("A", guard(sleep(5)), ret("a swallowed")), task("B", sleep(5)), as_="G", nowait=True),
        sleep(1), cancel("G", "stop all"), guard(await_("G")), state("A"), state("B"), state("G")]))
    add(f, scenario("cancel_task_awaiting_gather", "cancelling the task awaiting a gather cancels the children", [
        spawn("W", gather(task("A", sleep(5)), task("B", sleep(5)))), sleep(1), cancel("W", "w"),
        guard(await_("W")), state("A"), state("B")]))
    add(f, scenario("gather_cancel_after_children_done", "cancelling a finished gather returns false", [
        gather(task("A", ret(1)), as_="G"), cancel("G"), state("G")]))
    add(f, scenario("gather_first_error_others_keep_running", "after the first error the other children keep running", [
        spawn("A", sleep(1), raise_("E", "a")), spawn("B", sleep(2), log("b still ran"), ret("b")),
        guard(gather("A", "B")), state("B"), sleep(2), state("B")]))
    add(f, scenario("gather_cancel_where_child_swallows", "a gather cancelled while a child swallows the cancel still ends cancelled", [
        gather(task("A", guard(sleep(5)), sleep(1), ret("a")), task("B", ret("b")), as_="G", nowait=True),
        sleep(1), cancel("G"), guard(await_("G")), state("A")]))


# ------------------------------------------------------------------ task groups

def taskgroup_family():
    f = "taskgroup.json"
    pt = {"order": "per_task"}  # TaskGroup cancels its children by iterating a set
    add(f, scenario("taskgroup_all_succeed", "the group waits for every child", [
        taskgroup("g", spawn("A", sleep(1), ret("a"), tg="g"), spawn("B", sleep(2), ret("b"), tg="g"),
                  log("body done")), log("after group"), await_("A"), await_("B")]))
    add(f, scenario("taskgroup_child_fails_while_body_awaits", "a child failure cancels the body and siblings", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("ValueError", "a"), tg="g"),
                        spawn("B", try_([sleep(5)], catch("CancelledError", log("b cancelled"), reraise())), tg="g"),
                        try_([sleep(5)], catch("CancelledError", log("body cancelled"), cancelling(), reraise())))),
        cancelling()], **pt))
    add(f, scenario("taskgroup_single_child_fails", "one child fails while the body awaits: ExceptionGroup of it", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("ValueError", "a"), tg="g"),
                        try_([sleep(5)], catch("CancelledError", log("body cancelled"), reraise())))),
        cancelling(), ret("ok")]))
    add(f, scenario("taskgroup_two_children_fail", "both failures are in the ExceptionGroup", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1", "a"), tg="g"),
                        spawn("B", try_([sleep(5)], catch("CancelledError", raise_("E2", "b"))), tg="g")))]))
    add(f, scenario("taskgroup_two_children_fail_same_instant", "two children fail in the same iteration", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1", "a"), tg="g"),
                        spawn("B", sleep(1), raise_("E2", "b"), tg="g")))]))
    add(f, scenario("taskgroup_body_raises", "the body's own error joins the group, children are cancelled", [
        guard(taskgroup("g", spawn("A", sleep(5), tg="g"), sleep(1), raise_("BodyError", "body"))),
        state("A")]))
    add(f, scenario("taskgroup_body_raises_after_child_failed", "body error and child error both reported", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                        try_([sleep(5)], catch("CancelledError", raise_("BodyError"))))), cancelling()]))
    add(f, scenario("taskgroup_parent_cancelled", "external cancellation of the parent cancels children, surfaces as CancelledError", [
        spawn("P", taskgroup("g", spawn("A", try_([sleep(5)], catch("CancelledError", log("a cancelled"), reraise())),
                                        tg="g"), spawn("B", sleep(5), tg="g"), sleep(5))),
        sleep(1), cancel("P", "outside"), guard(await_("P")), state("A"), state("B")], **pt))
    add(f, scenario("taskgroup_parent_cancelled_while_exiting", "the parent is cancelled while the group waits for children at exit", [
        spawn("P", taskgroup("g", spawn("A", try_([sleep(5)], catch("CancelledError", log("a cleanup"), reraise())),
                                        tg="g"), log("body done"))),
        sleep(1), cancel("P"), guard(await_("P")), state("A")]))
    add(f, scenario("taskgroup_child_fails_after_body_done", "a child failure while the group waits at exit", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"), spawn("B", sleep(5), tg="g"), log("body done"))),
        cancelling(), state("B")]))
    add(f, scenario("taskgroup_error_and_outer_cancel", "an outer cancel arriving as a child fails is kept after the"
                    " ExceptionGroup (CPython 3.13 test_error_and_cancel)", [
        spawn("P", try_([taskgroup("g", spawn("A", sleep(0.5), raise_("E1"), tg="g"), sleep(1), log("group sleep done"))],
                        catch("ExceptionGroup", log("group failed"), cancelling())),
              cancelling(), sleep(1), log("sleep after the group done")),
        sleep(0.5), cancel("P"), guard(await_("P")), state("P")]))
    add(f, scenario("taskgroup_outer_cancel_while_failing", "an outer cancel(msg) while the failing group waits for a"
                    " cleanup is kept, with its message, for the next await after the ExceptionGroup", [
        spawn("P", try_([taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                                   spawn("B", try_([sleep(10)], catch("CancelledError", sleep(1), log("b cleaned"),
                                                                      reraise())), tg="g"),
                                   sleep(10))],
                        catch("ExceptionGroup", log("group failed"), cancelling())),
              sleep(10), log("sleep after the group done")),
        sleep(1.5), cancel("P", "shutdown"), guard(await_("P")), state("P")]))
    add(f, scenario("taskgroup_child_catches_cancel_then_fails", "a sibling's cleanup that fails is reported too", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                        spawn("B", try_([sleep(5)], catch("CancelledError", sleep(0.5), raise_("CleanupError"))),
                              tg="g"), sleep(5)))]))
    add(f, scenario("taskgroup_child_swallows_cancel", "a sibling that swallows the abort finishes normally", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                        spawn("B", guard(sleep(5)), sleep(1), ret("b ok"), tg="g"), sleep(5))), state("B")]))
    add(f, scenario("taskgroup_nested_inner_fails", "an inner group's failure propagates through the outer one", [
        guard(taskgroup("outer", spawn("X", sleep(5), tg="outer"),
                        taskgroup("inner", spawn("A", sleep(1), raise_("E1"), tg="inner")))),
        state("X")]))
    add(f, scenario("taskgroup_child_cancelled_individually", "a cancelled child is not an error of the group", [
        taskgroup("g", spawn("A", sleep(5), tg="g"), spawn("B", sleep(2), ret("b"), tg="g"), sleep(1),
                  cancel("A", "just a")), state("A"), await_("B")]))
    add(f, scenario("taskgroup_inside_timeout", "a timeout around a task group cancels the body and children", [
        guard(timeout("t", 1, taskgroup("g", spawn("A", try_([sleep(5)], catch("CancelledError", log("a"), reraise())),
                                                   tg="g"), spawn("B", sleep(5), tg="g"), sleep(5)))),
        expired("t"), cancelling(), state("A"), state("B")], **pt))
    add(f, scenario("taskgroup_inside_timeout_exit_wait", "the timeout fires while the group waits for children at exit", [
        guard(timeout("t", 1, taskgroup("g", spawn("A", sleep(5), tg="g")))), expired("t"), state("A")]))
    add(f, scenario("timeout_inside_taskgroup_body", "a timeout in the body expires without hurting the group", [
        taskgroup("g", spawn("A", sleep(2), ret("a"), tg="g"), guard(timeout("t", 1, sleep(5))), expired("t"),
                  cancelling()), await_("A")]))
    add(f, scenario("timeout_inside_taskgroup_child", "a child's own timeout error fails the group", [
        guard(taskgroup("g", spawn("A", timeout("t", 1, sleep(5)), tg="g"), spawn("B", sleep(5), tg="g")))]))
    add(f, scenario("shield_inside_taskgroup", "a shielded task survives the abort of the group that awaited it", [
        spawn("S", sleep(3), log("shielded finished"), ret("s")),
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                        spawn("B", guard(shield("S")), tg="g"))),
        state("S"), await_("S")]))
    add(f, scenario("taskgroup_spawn_from_child", "a child can add tasks to the group", [
        taskgroup("g", spawn("A", sleep(1), spawn("A2", sleep(1), ret("a2"), tg="g"), ret("a"), tg="g")),
        await_("A2")]))
    add(f, scenario("taskgroup_return_inside_body", "returning from inside the group body still waits for children", [
        spawn("P", taskgroup("g", spawn("A", sleep(1), log("a done"), tg="g"), ret("early")), log("never")),
        await_("P")]))
    add(f, scenario("taskgroup_cancelled_parent_uncancel_count", "after a child failure the parent's cancelling() is back to 0", [
        guard(taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"), cancelling(), sleep(5))),
        cancelling(), sleep(1), log("main still alive")]))
    add(f, scenario("taskgroup_parent_cancel_and_child_failure", "parent cancelled and a child fails during the abort", [
        spawn("P", taskgroup("g", spawn("A", try_([sleep(5)], catch("CancelledError", raise_("E1"))), tg="g"),
                             sleep(5))),
        sleep(1), cancel("P"), guard(await_("P"))]))
    add(f, scenario("taskgroup_outer_cancel_while_aborting", "a child failed; the parent is cancelled from outside while the group waits at exit", [
        spawn("P", taskgroup("g", spawn("A", sleep(1), raise_("E1"), tg="g"),
                             spawn("B", try_([sleep(5)], catch("CancelledError", sleep(1), log("b cleaned"), reraise())),
                                   tg="g"),
                             sleep(5)), log("never")),
        sleep(1.5), cancel("P", "outer"), guard(await_("P")), cancelling("P")]))
    add(f, scenario("taskgroup_empty", "a group without children", [taskgroup("g", log("body")), ret("ok")]))


# ------------------------------------------------------------------ timeouts

def timeout_family():
    f = "timeout.json"
    add(f, scenario("timeout_expires", "the body is cancelled at the deadline and TimeoutError raised", [
        guard(timeout("t", 1, try_([sleep(5)], catch("CancelledError", log("body cancelled"), reraise())))),
        expired("t"), cancelling()]))
    add(f, scenario("timeout_not_reached", "a body that finishes in time is untouched", [
        timeout("t", 2, sleep(1), log("in time")), expired("t"), when("t")]))
    add(f, scenario("timeout_none_never_fires", "timeout(None) has no deadline", [
        timeout("t", None, sleep(100), when("t")), expired("t")]))
    add(f, scenario("timeout_zero", "timeout(0) fires at the first await", [
        guard(timeout("t", 0, log("before"), sleep(1), log("never"))), expired("t")]))
    add(f, scenario("timeout_zero_without_await", "timeout(0) around code that never awaits does not fire", [
        timeout("t", 0, log("no await")), expired("t"), cancelling()]))
    add(f, scenario("timeout_at_absolute", "timeout_at uses loop time", [
        sleep(1), guard(timeout_at("t", 2.5, when("t"), sleep(5))), expired("t")]))
    add(f, scenario("timeout_at_past", "timeout_at in the past fires at the first await", [
        sleep(2), guard(timeout_at("t", 1, log("entered"), sleep(1))), expired("t")]))
    add(f, scenario("timeout_reschedule_later", "moving the deadline later lets the body finish", [
        timeout("t", 1, sleep(0.5), reschedule("t", delay=2), when("t"), sleep(1), log("finished")), expired("t")]))
    add(f, scenario("timeout_reschedule_earlier", "moving the deadline earlier fires it sooner", [
        guard(timeout("t", 10, sleep(0.5), reschedule("t", delay=0.25), sleep(5))), expired("t")]))
    add(f, scenario("timeout_reschedule_none", "rescheduling to None disarms the timeout", [
        timeout("t", 1, reschedule("t", none=True), when("t"), sleep(3), log("no deadline")), expired("t")]))
    add(f, scenario("timeout_reschedule_past", "rescheduling into the past fires at the next iteration", [
        guard(timeout("t", 10, sleep(1), reschedule("t", at=0.5), log("still running"), sleep(1))), expired("t")]))
    add(f, scenario("timeout_reschedule_after_none", "a disarmed timeout can be armed again", [
        guard(timeout("t", None, sleep(1), reschedule("t", delay=1), sleep(5))), expired("t")]))
    add(f, scenario("timeout_body_swallows_cancel", "a body that swallows the cancel: no TimeoutError", [
        timeout("t", 1, guard(sleep(5)), log("body continues"), cancelling()), expired("t"), cancelling(),
        ret("ok")]))
    add(f, scenario("timeout_body_raises_other", "a body raising another error on cancel keeps that error", [
        guard(timeout("t", 1, try_([sleep(5)], catch("CancelledError", raise_("Other", "o"))))), expired("t")]))
    add(f, scenario("timeout_body_raises_before_deadline", "an error before the deadline passes through", [
        guard(timeout("t", 5, sleep(1), raise_("E", "early"))), expired("t")]))
    add(f, scenario("timeout_fires_same_instant_work_completes", "deadline and the awaited sleep end together: the timer scheduled first wins", [
        guard(timeout("t", 1, sleep(1), log("body finished"))), expired("t")]))
    add(f, scenario("timeout_fires_same_instant_task_completes", "deadline and the awaited task finish at the same instant", [
        spawn("A", sleep(1), ret("a")), guard(timeout("t", 1, await_("A"))), expired("t"), state("A")]))
    add(f, scenario("timeout_task_completes_same_instant_created_first", "the awaited task's timer was scheduled before the deadline", [
        spawn("A", sleep(1), ret("a")), yield_(), guard(timeout("t", 1, await_("A"))), expired("t"), state("A")]))
    add(f, scenario("timeout_external_cancel_wins", "an external cancel plus the deadline: cancellation, not TimeoutError", [
        spawn("A", guard(timeout("t", 1, sleep(5))), cancelling()),
        spawn("B", sleep(1), cancel("A", "external")), sleep(2), state("A")]))
    add(f, scenario("timeout_external_cancel_before_deadline", "an external cancel before the deadline is a plain CancelledError", [
        spawn("A", timeout("t", 5, sleep(10)), log("never")), sleep(1), cancel("A", "ext"), guard(await_("A"))]))
    add(f, scenario("timeout_when_values", "when() reports the deadline in loop time", [
        sleep(1), timeout("t", 2, when("t"), reschedule("t", delay=3), when("t")), when("t")]))
    add(f, scenario("timeout_expired_inside_cleanup", "expired() is true in the body's cleanup after the deadline", [
        guard(timeout("t", 1, try_([sleep(5)], catch("CancelledError", expired("t"), reraise()))))]))
    add(f, scenario("timeout_cleanup_sleeps", "cleanup may sleep after the deadline before rethrowing", [
        guard(timeout("t", 1, try_([sleep(5)], catch("CancelledError", sleep(1), log("cleaned"), reraise()))))]))
    # nested timeouts: (outer, inner, body sleep)
    nest = [(1, 2, 5), (2, 1, 5), (1, 1, 5), (3, 1, 2), (1, 3, 0.5), (2, 2, 2)]
    for outer, inner, work in nest:
        add(f, scenario("timeout_nested_outer%s_inner%s_work%s" % (outer, inner, work),
                        "nested timeouts: outer %s s, inner %s s, work %s s" % (outer, inner, work), [
            guard(timeout("outer", outer, guard(timeout("inner", inner, sleep(work), log("work done"))),
                          expired("inner"), cancelling(), sleep(0.25), log("outer body after inner"))),
            expired("outer"), expired("inner"), cancelling()]))
    add(f, scenario("timeout_nested_expire_together_inner_swallows", "inner and outer expire together; inner body swallows", [
        guard(timeout("outer", 1, timeout("inner", 1, guard(sleep(5)), log("inner body continues")),
                      log("outer body continues"), sleep(1), log("never"))),
        expired("outer"), expired("inner"), cancelling()]))
    add(f, scenario("timeout_nested_inner_rescheduled_past_outer", "inner rescheduled beyond outer: outer fires", [
        guard(timeout("outer", 2, guard(timeout("inner", 1, reschedule("inner", delay=5), sleep(10))))),
        expired("outer"), expired("inner")]))
    add(f, scenario("timeout_sequential_reuse_of_task", "two timeouts one after the other in one task", [
        guard(timeout("t1", 1, sleep(5))), timeout("t2", 2, sleep(1)), expired("t1"), expired("t2"),
        cancelling()]))
    add(f, scenario("timeout_in_child_task_does_not_touch_parent", "a child's timeout does not cancel the parent", [
        spawn("A", guard(timeout("t", 1, sleep(5))), ret("a")), sleep(3), await_("A"), cancelling()]))


# ------------------------------------------------------------------ wait_for, wait, as_completed, shield

def waiting_family():
    f = "wait_for.json"
    add(f, scenario("wait_for_completes", "the result when the work ends in time", [
        wait_for(task("A", sleep(1), ret("a")), 2)]))
    add(f, scenario("wait_for_times_out", "the work is cancelled and TimeoutError raised", [
        guard(wait_for(task("A", try_([sleep(5)], catch("CancelledError", log("a cancelled"), reraise()))), 1)),
        state("A")]))
    add(f, scenario("wait_for_none", "timeout None waits as long as it takes", [
        wait_for(task("A", sleep(100), ret("late")), None)]))
    add(f, scenario("wait_for_zero_done", "timeout 0 on a finished task returns its result", [
        spawn("A", ret("a")), yield_(), wait_for("A", 0)]))
    add(f, scenario("wait_for_zero_pending", "timeout 0 on a pending task cancels it", [
        spawn("A", sleep(1)), guard(wait_for("A", 0)), state("A")]))
    add(f, scenario("wait_for_error", "the work's error passes through", [
        guard(wait_for(task("A", sleep(1), raise_("E", "bad")), 5))]))
    add(f, scenario("wait_for_work_swallows_cancel", "work that swallows the cancel at the deadline: its result is returned", [
        guard(wait_for(task("A", guard(sleep(5)), ret("swallowed")), 1)), state("A")]))
    add(f, scenario("wait_for_cleanup_takes_time", "waits for the cancelled work's cleanup before raising", [
        guard(wait_for(task("A", try_([sleep(5)], catch("CancelledError", sleep(1), log("cleanup done"), reraise()))),
                       1))]))
    add(f, scenario("wait_for_outer_cancelled", "cancelling the waiter cancels the work", [
        spawn("W", wait_for(task("A", try_([sleep(5)], catch("CancelledError", log("a cancelled"), reraise()))), 10)),
        sleep(1), cancel("W", "w"), guard(await_("W")), state("A")]))
    add(f, scenario("wait_for_same_instant", "the work completes at the very instant the deadline fires", [
        guard(wait_for(task("A", sleep(1), ret("a")), 1)), state("A")]))
    add(f, scenario("wait_for_same_instant_existing_task", "an existing task finishing at the deadline's instant", [
        spawn("A", sleep(1), ret("a")), guard(wait_for("A", 1)), state("A")]))
    add(f, scenario("wait_for_same_instant_work_timer_first",
                    "the work's timer is due at the deadline's instant and was scheduled first", [
        spawn("A", sleep(1), ret("a")), yield_(), guard(wait_for("A", 1)), state("A")]))
    add(f, scenario("wait_for_future_deadline_then_setter", "a future awaited with wait_for; its setter runs right after the deadline", [
        future("F"), spawn("S", sleep(1), state("F")), guard(wait_for("F", 1)), state("F"), sleep(1)]))
    add(f, scenario("wait_for_outer_cancelled_at_deadline", "the waiter is cancelled at the instant of the deadline", [
        spawn("W", wait_for(task("A", sleep(5)), 1)), spawn("K", sleep(1), cancel("W", "k")), guard(await_("W")),
        state("A")]))
    add(f, scenario("wait_for_outer_cancel_when_work_just_done",
                    "the waiter is cancelled in the iteration in which the work completes", [
        spawn("W", wait_for(task("A", sleep(1), ret("a")), 5)), spawn("K", sleep(0.5), sleep(0.5), cancel("W", "k")),
        guard(await_("W")), state("A")]))
    add(f, scenario("wait_for_nested_in_timeout", "wait_for inside a shorter timeout", [
        guard(timeout("t", 1, wait_for(task("A", sleep(5)), 3))), expired("t"), state("A")]))
    add(f, scenario("wait_for_future", "wait_for on a future set by another task", [
        future("F"), spawn("S", sleep(1), set_result("F", "f")), wait_for("F", 2)]))

    f = "wait.json"
    kinds = {
        "ok": lambda n, t: [sleep(t), ret(n)],
        "fail": lambda n, t: [sleep(t), raise_("E" + n)],
    }
    for rw in ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"):
        for combo in (("ok", "ok", "ok"), ("ok", "fail", "ok"), ("fail", "ok", "ok")):
            for to in (None, 1.5):
                items = [task(n, *kinds[k](n, t)) for n, k, t in zip("ABC", combo, (1, 2, 3))]
                add(f, scenario("wait_%s_%s%s" % (rw.lower(), "_".join(combo), "_timeout" if to else ""),
                                "wait(%s) over children that end %s at 1, 2, 3 s, timeout %s" % (rw, combo, to),
                                [wait(*items, timeout=to, return_when=rw), state("A"), state("B"), state("C")]))
    add(f, scenario("wait_all_done_already", "wait on finished tasks returns at once", [
        spawn("A", ret(1)), spawn("B", ret(2)), sleep(1), wait("A", "B", return_when="FIRST_COMPLETED")]))
    add(f, scenario("wait_same_instant", "children finishing in the same iteration are all done", [
        wait(task("A", sleep(1)), task("B", sleep(1)), task("C", sleep(2)), return_when="FIRST_COMPLETED")]))
    add(f, scenario("wait_cancelled_child", "a cancelled child counts as done (and as an exception for FIRST_EXCEPTION)", [
        spawn("A", sleep(5)), spawn("K", sleep(1), cancel("A")),
        wait("A", task("B", sleep(3)), return_when="FIRST_EXCEPTION")]))
    add(f, scenario("wait_timeout_does_not_cancel", "wait's timeout leaves the pending tasks running", [
        wait(task("A", sleep(2), ret("a")), timeout=1), state("A"), await_("A")]))
    add(f, scenario("wait_waiter_cancelled", "cancelling the task in wait() leaves the children running", [
        spawn("W", wait(task("A", sleep(2)), task("B", sleep(3)))), sleep(1), cancel("W"), guard(await_("W")),
        state("A"), state("B"), sleep(3)]))

    f = "as_completed.json"
    add(f, scenario("as_completed_order", "results in completion order", [
        as_completed(task("A", sleep(3), ret("a")), task("B", sleep(1), ret("b")), task("C", sleep(2), ret("c")))]))
    add(f, scenario("as_completed_error", "an error is raised when its turn comes", [
        guard(as_completed(task("A", sleep(2), ret("a")), task("B", sleep(1), raise_("E", "b"))))]))
    add(f, scenario("as_completed_timeout", "the deadline raises TimeoutError for what is left", [
        guard(as_completed(task("A", sleep(1), ret("a")), task("B", sleep(5), ret("b")), timeout=2)),
        state("B")]))
    add(f, scenario("as_completed_done_already", "finished tasks come out at once", [
        spawn("A", ret("a")), yield_(), as_completed("A", task("B", sleep(1), ret("b")))]))

    f = "shield.json"
    add(f, scenario("shield_result", "awaiting a shield gives the inner result", [
        shield(task("A", sleep(1), ret("a")))]))
    add(f, scenario("shield_outer_cancelled_inner_continues", "cancelling the waiter does not cancel the shielded task", [
        spawn("A", sleep(2), log("a finished"), ret("a")), spawn("W", shield("A")), sleep(1), cancel("W", "w"),
        guard(await_("W")), state("A"), await_("A")]))
    add(f, scenario("shield_inner_cancelled", "cancelling the shielded task itself cancels the waiter's await", [
        spawn("A", sleep(5)), spawn("W", guard(shield("A")), ret("w")), sleep(1), cancel("A", "inner"),
        await_("W")]))
    add(f, scenario("shield_inner_fails", "the inner error reaches the waiter", [
        guard(shield(task("A", sleep(1), raise_("E", "inner"))))]))
    add(f, scenario("shield_done_task", "shield of a finished task returns its result", [
        spawn("A", ret("a")), yield_(), shield("A")]))
    add(f, scenario("shield_inside_timeout", "a timeout around a shield: TimeoutError, the inner task lives on", [
        spawn("A", sleep(2), log("a finished")), guard(timeout("t", 1, shield("A"))), state("A"), sleep(2),
        state("A")]))
    add(f, scenario("shield_in_wait_for", "wait_for of a shield: the shielded task is not cancelled", [
        spawn("A", sleep(2), ret("a")), guard(wait_for(task("S", shield("A")), 1)), state("A"), await_("A")]))
    add(f, scenario("shield_cancel_during_cleanup_await", "cleanup awaiting a shielded task after a cancel", [
        spawn("A", sleep(2), ret("a")),
        spawn("W", try_([sleep(5)], catch("CancelledError", shield("A"), reraise()))),
        sleep(1), cancel("W"), sleep(0.5), cancel("W", "again"), guard(await_("W")), state("A"), sleep(1)]))


# ------------------------------------------------------------------ uncancel

def uncancel_family():
    f = "uncancel.json"
    add(f, scenario("uncancel_after_caught_cancel", "a task that catches, uncancels and goes on", [
        spawn("A", try_([sleep(5)], catch("CancelledError", cancelling(), uncancel(), cancelling())),
              sleep(1), log("a continues"), ret("a")),
        sleep(1), cancel("A"), await_("A"), cancelling("A")]))
    add(f, scenario("uncancel_at_zero_stays_zero", "uncancel() never goes below zero", [
        uncancel(), uncancel(), cancelling()]))
    add(f, scenario("uncancel_then_timeout_works", "after uncancel a later timeout still converts its cancel", [
        spawn("A", guard(sleep(5)), uncancel(), guard(timeout("t", 1, sleep(5))), expired("t"), cancelling()),
        sleep(1), cancel("A"), await_("A")]))
    add(f, scenario("uncancel_two_requests_one_taken_back", "two requests, one uncancel: still cancelling", [
        spawn("A", guard(sleep(5)), cancelling(), uncancel(), cancelling(), guard(sleep(5)), log("after second")),
        sleep(1), cancel("A"), cancel("A"), sleep(1), cancel("A"), sleep(1)]))
    add(f, scenario("uncancel_pending_cancel_dropped", "uncancel() to zero while a cancel is still undelivered", [
        spawn("A", cancel("A", "self"), uncancel(), cancelling(),
              try_([sleep(1)], catch("CancelledError", log("cancel delivered anyway"), reraise())),
              log("slept in peace")),
        sleep(2), state("A")], **deliberate.UNCANCEL_DROPS_PENDING))
    add(f, scenario("uncancel_pending_cancel_kept_above_zero", "uncancel() not reaching zero keeps the undelivered cancel", [
        spawn("A", cancel("A"), cancel("A"), uncancel(), cancelling(),
              try_([sleep(1)], catch("CancelledError", log("delivered"), reraise()))),
        sleep(2), state("A")]))
    add(f, scenario("uncancel_other_task", "uncancel of another task's request", [
        spawn("A", guard(sleep(5)), cancelling(), sleep(1), cancelling()), sleep(1), cancel("A"),
        uncancel("A"), cancelling("A"), await_("A")]))
    add(f, scenario("cancelling_in_nested_timeouts", "cancelling() seen inside nested timeouts as they expire", [
        guard(timeout("o", 2, guard(timeout("i", 1, try_([sleep(5)], catch("CancelledError", cancelling(), reraise())))),
                      cancelling(), try_([sleep(5)], catch("CancelledError", cancelling(), reraise())))),
        cancelling()]))


# ------------------------------------------------------------------ found by RandomProgramsTest

def random_findings():
    """Differences RandomProgramsTest found, cut down by hand; CPython 3.11, 3.12 and 3.13 agree on each."""
    f = "random_findings.json"
    k = spawn("K", try_([sleep(5)], catch("CancelledError", log("k cleanup"), sleep(1), reraise())), tg="g")
    add(f, scenario("taskgroup_cancelled_twice_while_exiting",
                    "T waits at the end of its TaskGroup for K, which cleans up for 1 s when cancelled, and T is"
                    " cancelled twice meanwhile: the first CancelledError (the one that made the group abort)"
                    " propagates", [
        spawn("T", taskgroup("g", k)), sleep(1), cancel("T", "first"), sleep(0.5), cancel("T", "second"),
        guard(await_("T"))]))
    add(f, scenario("taskgroup_body_error_then_outer_cancel",
                    "T's TaskGroup body fails; while the group waits for K's cleanup, T is cancelled from outside:"
                    " the group raises the ExceptionGroup of the body's error (3.11 and 3.12 swallow the"
                    " cancellation, 3.13 leaves it pending)", [
        spawn("T", taskgroup("g", k, sleep(1), raise_("E1"))), sleep(1.5), cancel("T", "outer"),
        guard(await_("T")), state("T")]))
    add(f, scenario("gather_child_cancelled_then_caller_cancelled_again",
                    "T awaits gather(I); T.cancel('m') cancels I, which ends; T is cancelled again before it"
                    " resumes: it resumes with the gather's CancelledError('m')", [
        spawn("T", gather(task("I", sleep(5)))), yield_(), yield_(), cancel("T", "m"),
        spawn("X", cancel("T")), guard(await_("T"))]))
    add(f, scenario("gather_cancel_swallowed_at_yield",
                    "gather cancelled with 'm' while its child is at a sleep(0); the child catches it and returns:"
                    " the gather raises CancelledError('m'), the message the cancel() left on the child task", [
        spawn("T", gather(task("I", guard(yield_()), guard(yield_()), ret("i")))), yield_(), yield_(),
        cancel("T", "m"), guard(await_("T"))]))


def main():
    basics()
    cancel_matrix()
    cancel_edges()
    gather_family()
    taskgroup_family()
    timeout_family()
    waiting_family()
    uncancel_family()
    random_findings()
    sync_scenarios.all_families(add)
    agen_scenarios.all_scenarios(add)
    for f, scs in deliberate.aio4j_only().items():
        for sc in scs:
            add(f, sc)
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith(".json"):
            os.remove(os.path.join(OUT, name))
    total = 0
    for f, scs in FILES.items():
        with open(os.path.join(OUT, f), "w", encoding="utf-8") as fh:
            fh.write('{"scenarios": [\n')
            fh.write(",\n".join(json.dumps(s, separators=(", ", ": ")) for s in scs))
            fh.write("\n]}\n")
        total += len(scs)
    print("wrote %d scenarios in %d files to %s" % (total, len(FILES), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
