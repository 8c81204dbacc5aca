"""The async generator scenarios (async_generators.json): anext / asend / athrow / aclose, async for
with break, and their closing by shutdown_asyncgens (explicit, or at the end of the scenario as
asyncio.Runner.close and aio4j's Runner.close do, after the pending tasks are cancelled).

Called by generate_scenarios.py. A generator's finally that awaits shows its times in the trace;
the closers of shutdown_asyncgens are traced as task "aclose G".
"""

from scenario_dsl import *  # noqa: F401,F403

F = "async_generators.json"


def finally_log(*steps):
    """G's body: steps inside a try whose finally logs "g finally"."""
    return try_(list(steps), finally_=[log("g finally")])


def protocol(add):
    add(F, scenario("agen_anext_until_stop_async_iteration",
                    "anext runs the body to each yield (awaits included); after the body returns every anext"
                    " raises StopAsyncIteration", [
        agen("G", log("g start"), yield_value(1), sleep(1), yield_value(2), log("g done")),
        log("defined"), anext("G"), anext("G"), guard(anext("G")), guard(anext("G"))]))
    add(F, scenario("agen_return_ends_iteration", "a return in the body ends the iteration", [
        agen("G", yield_value(1), ret(None), yield_value(2)),
        anext("G"), guard(anext("G"))]))
    add(F, scenario("agen_asend_values", "asend resumes the yield with the value sent; anext sends None", [
        agen("G", yield_value(1), yield_value(2), yield_value(3), log("g done")),
        anext("G"), asend("G", "a"), anext("G"), guard(asend("G", "b"))]))
    add(F, scenario("agen_aclose_at_suspended_yield_finally_awaits",
                    "aclose throws GeneratorExit at the yield; the finally awaits and aclose waits for it", [
        agen("G", try_([yield_value(1), yield_value(2)],
                       finally_=[log("g cleanup"), sleep(1), log("g cleaned")])),
        anext("G"), sleep(0.5), aclose("G"), log("after aclose"), guard(anext("G"))]))
    add(F, scenario("agen_aclose_catches_generator_exit",
                    "the body sees GeneratorExit (a BaseException, not an Exception) and may clean up", [
        agen("G", try_([yield_value(1)], catch("Exception", log("never")),
                       catch("GeneratorExit", log("g exiting"), sleep(1), reraise()))),
        anext("G"), aclose("G"), guard(anext("G"))]))
    add(F, scenario("agen_aclose_fresh", "aclose of a generator that never started: its body never runs", [
        agen("G", log("never"), yield_value(1)),
        aclose("G"), guard(anext("G")), aclose("G")]))
    add(F, scenario("agen_aclose_twice", "a second aclose does nothing", [
        agen("G", finally_log(yield_value(1), yield_value(2))),
        anext("G"), aclose("G"), aclose("G"), guard(anext("G"))]))
    add(F, scenario("agen_aclose_after_exhausted", "aclose of an ended generator does nothing", [
        agen("G", finally_log(yield_value(1))),
        anext("G"), guard(anext("G")), aclose("G")]))
    add(F, scenario("agen_ignores_generator_exit",
                    "a body that catches GeneratorExit and yields again makes aclose raise RuntimeError; it stays"
                    " suspended at that yield", [
        agen("G", try_([yield_value(1)], catch("GeneratorExit", log("g ignores"), yield_value(2))),
             log("g after")),
        anext("G"), guard(aclose("G")), guard(anext("G"))]))
    add(F, scenario("agen_ignores_generator_exit_at_shutdown",
                    "a generator that ignores GeneratorExit at shutdown_asyncgens: the error goes to the"
                    " exception handler, the shutdown ends", [
        agen("G", try_([yield_value(1)], catch("GeneratorExit", log("g ignores"), yield_value(2))),
             log("never")),
        anext("G"), shutdown_asyncgens(), log("after shutdown")]))


def athrow_scenarios(add):
    add(F, scenario("agen_athrow_caught_yields_again",
                    "athrow raises at the yield; the body catches it and yields again: athrow returns that value", [
        agen("G", try_([yield_value(1)], catch("E1", log("g caught"), yield_value(2))), yield_value(3)),
        anext("G"), athrow("G", "E1", "boom"), anext("G"), guard(anext("G"))]))
    add(F, scenario("agen_athrow_uncaught_propagates",
                    "an exception thrown in and not caught ends the generator (finally runs) and propagates", [
        agen("G", finally_log(yield_value(1), yield_value(2))),
        anext("G"), guard(athrow("G", "E1", "boom")), guard(anext("G"))]))
    add(F, scenario("agen_athrow_caught_then_returns",
                    "the body catches the thrown exception and returns: athrow raises StopAsyncIteration", [
        agen("G", try_([yield_value(1)], catch("E1", log("g caught")))),
        anext("G"), guard(athrow("G", "E1"))]))
    add(F, scenario("agen_athrow_fresh",
                    "athrow on a generator that never started: the body never runs, the exception propagates, the"
                    " generator is closed", [
        agen("G", log("never"), yield_value(1)),
        guard(athrow("G", "E1", "early")), guard(anext("G"))]))
    add(F, scenario("agen_athrow_cancelled_error",
                    "athrow of a CancelledError: the body's handler sees it like a cancellation", [
        agen("G", try_([yield_value(1)], catch("CancelledError", log("g cancelled"), reraise()))),
        anext("G"), guard(athrow("G", "CancelledError", "thrown")), cancelling()]))


def misuse_scenarios(add):
    add(F, scenario("agen_aclose_swallowed_then_returns",
                    "a body that swallows GeneratorExit and returns: aclose succeeds", [
        agen("G", try_([yield_value(1)], catch("BaseException", log("g swallows")))),
        anext("G"), aclose("G"), guard(anext("G"))]))
    add(F, scenario("agen_aclose_finally_raises",
                    "a finally raising during aclose: aclose raises that error", [
        agen("G", try_([yield_value(1)], finally_=[sleep(1), raise_("E1", "cleanup failed")])),
        anext("G"), guard(aclose("G")), guard(anext("G"))]))
    add(F, scenario("agen_athrow_while_running",
                    "athrow while another task runs the body: RuntimeError", [
        agen("G", sleep(1), yield_value(1)),
        spawn("A", anext("G")), yield_(), guard(athrow("G", "E1")), await_("A")]))
    add(F, scenario("agen_aclose_itself",
                    "the body closing or pulling its own generator: RuntimeError inside the body", [
        agen("G", guard(aclose("G")), guard(anext("G")), yield_value(1)),
        anext("G"), aclose("G")]))
    add(F, scenario("agen_shutdown_while_running",
                    "shutdown_asyncgens while another task runs the body: its aclose fails (to the exception"
                    " handler), the generator goes on", [
        agen("G", try_([yield_value(1), sleep(2), yield_value(2)], finally_=[log("g finally")])),
        anext("G"), spawn("A", anext("G")), sleep(1), shutdown_asyncgens(), log("after shutdown"),
        await_("A"), aclose("G")]))


def deliberate_scenarios(add):
    """Where aio4j differs on purpose (deliberate.py has the why and the expected outcome)."""
    add(F, scenario("agen_asend_value_to_fresh",
                    "asend of a value to a generator that has not started: aio4j raises IllegalArgumentException"
                    " (ValueError), CPython TypeError; the generator can still be started", [
        agen("G", yield_value(1)),
        guard(asend("G", "x")), anext("G")]))
    add(F, scenario("agen_anext_after_cancelled_aclose",
                    "an aclose interrupted by its task's cancellation ends the generator: a later anext raises"
                    " StopAsyncIteration (CPython 3.13); 3.11 leaves it marked running", [
        agen("G", try_([yield_value(1)], finally_=[log("g finally"), sleep(5), log("never")])),
        spawn("C", anext("G"), aclose("G")),
        sleep(1), cancel("C", "stop"), guard(await_("C")), guard(anext("G")), aclose("G")]))


def athrow_ended(add):
    """Deliberate (deliberate.py): CPython 3.11 returns None."""
    add(F, scenario("agen_athrow_ended",
                    "athrow on a generator that has ended: aio4j raises StopAsyncIteration", [
        agen("G", yield_value(1)),
        anext("G"), guard(anext("G")), guard(athrow("G", "E1")), log("after")]))


def async_for_scenarios(add):
    add(F, scenario("agen_async_for_exhausts", "async for runs the loop body per value, awaits on both sides", [
        agen("G", yield_value(1), sleep(1), yield_value(2), log("g done")),
        async_for("G", log("body"), sleep(0.5)), log("after loop")]))
    add(F, scenario("agen_async_for_break_then_continue",
                    "a loop that breaks leaves the generator suspended; a second loop continues where the first"
                    " stopped", [
        agen("G", finally_log(yield_value(1), yield_value(2), yield_value(3))),
        async_for("G", log("first loop"), break_at=1), async_for("G", log("second loop"))]))
    add(F, scenario("agen_break_inside_try",
                    "a break inside a try in the loop body runs its finally and leaves the loop", [
        agen("G", finally_log(yield_value(1), yield_value(2))),
        async_for("G", try_([log("body"), break_()], finally_=[log("body finally")])),
        log("after loop"), aclose("G")]))
    add(F, scenario("agen_break_closed_at_end_by_shutdown_asyncgens",
                    "a loop breaks out of the generator; at the end of main the shutdown closes it (after the tasks),"
                    " its finally sleeping 1 s in the closer task", [
        agen("G", try_([yield_value(1), yield_value(2)],
                       finally_=[log("g finally"), sleep(1), log("g closed")])),
        async_for("G", log("body"), break_at=1), log("after loop"), sleep(0.5)]))
    add(F, scenario("agen_abandoned_after_pending_task_cancelled",
                    "at the end the pending task is cancelled first (in its loop body), then the generator it"
                    " abandoned is closed", [
        agen("G", try_([yield_value(1), yield_value(2)],
                       finally_=[log("g finally"), sleep(1), log("g closed")])),
        spawn("C", try_([async_for("G", log("c body"), sleep(10))],
                        catch("CancelledError", log("c cancelled"), sleep(0.5), reraise()))),
        sleep(1)]))
    add(F, scenario("agen_async_for_over_raising_generator",
                    "the generator raises mid-way: the error leaves the async for; the generator has ended", [
        agen("G", yield_value(1), yield_value(2), raise_("E1", "midway"), yield_value(3)),
        guard(async_for("G", log("body"))), async_for("G", log("never")), guard(anext("G"))]))
    add(F, scenario("agen_exception_in_loop_body",
                    "the loop body raises: the generator is not closed by the loop, but at the end", [
        agen("G", finally_log(yield_value(1), yield_value(2))),
        guard(async_for("G", raise_("E1", "in body"))), log("after"), anext("G")]))
    add(F, scenario("agen_body_raises_to_consumer", "an error of the body propagates to anext, then it has ended", [
        agen("G", yield_value(1), sleep(1), raise_("E1", "bad")),
        anext("G"), guard(anext("G")), guard(anext("G"))]))


def shutdown_scenarios(add):
    add(F, scenario("agen_shutdown_two_abandoned_concurrently",
                    "shutdown_asyncgens closes two abandoned generators concurrently: their finally blocks sleep"
                    " 2 s and 1 s, the shutdown takes 2 s; the fresh and the ended ones are not touched", [
        agen("G1", try_([yield_value(1), yield_value(2)], finally_=[log("g1 finally"), sleep(2), log("g1 closed")])),
        agen("G2", try_([yield_value(1), yield_value(2)], finally_=[log("g2 finally"), sleep(1), log("g2 closed")])),
        agen("G3", log("never"), yield_value(1)),
        agen("G4", finally_log(yield_value(1))),
        anext("G1"), anext("G2"), anext("G4"), guard(anext("G4")),
        sleep(0.5), shutdown_asyncgens(), log("after shutdown"),
        guard(anext("G1")), guard(anext("G2")), anext("G3")],
        order="per_task"))
    add(F, scenario("agen_shutdown_finally_raises",
                    "an error in a finally during shutdown_asyncgens goes to the exception handler", [
        agen("G", try_([yield_value(1)], finally_=[log("g finally"), sleep(1), raise_("E1", "in finally")])),
        anext("G"), shutdown_asyncgens(), log("after shutdown")]))
    add(F, scenario("agen_nested_generators",
                    "G2's body pulls from G1; closing G2 closes G1 in its finally", [
        agen("G1", finally_log(yield_value(1), yield_value(2))),
        agen("G2", try_([anext("G1"), yield_value("x"), yield_value("y")],
                        finally_=[log("g2 finally"), aclose("G1")])),
        anext("G2"), aclose("G2"), guard(anext("G1"))]))
    add(F, scenario("agen_nested_generators_closed_at_shutdown",
                    "G2's body pulls from G1; both abandoned, the shutdown closes both", [
        agen("G1", try_([yield_value(1), yield_value(2)], finally_=[log("g1 finally"), sleep(1), log("g1 closed")])),
        agen("G2", try_([anext("G1"), yield_value("x")], finally_=[log("g2 finally")])),
        anext("G2")], order="per_task"))


def concurrency_scenarios(add):
    add(F, scenario("agen_concurrent_anext_runtime_error",
                    "a second task asking a generator that is running (awaiting in its body for another task)"
                    " gets RuntimeError at once; aclose too", [
        agen("G", sleep(1), yield_value(1), yield_value(2)),
        spawn("A", anext("G")), yield_(), guard(anext("G")), guard(aclose("G")), await_("A"), anext("G")]))
    add(F, scenario("agen_aclose_while_closing_runtime_error",
                    "aclose while another task's aclose runs the finally: RuntimeError", [
        agen("G", try_([yield_value(1)], finally_=[log("g finally"), sleep(1), log("g closed")])),
        anext("G"), spawn("A", aclose("G")), yield_(), guard(aclose("G")), await_("A"), aclose("G")]))
    add(F, scenario("agen_consumer_cancelled_while_body_awaits",
                    "the consuming task is cancelled while the body awaits: CancelledError in the body (finally"
                    " runs), then in the consumer; the generator has ended", [
        agen("G", finally_log(yield_value(1), sleep(5), yield_value(2))),
        spawn("C", async_for("G", log("c body"))),
        sleep(1), cancel("C", "stop"), guard(await_("C")), guard(anext("G"))]))
    add(F, scenario("agen_consumer_cancelled_in_loop_body",
                    "the consuming task is cancelled while its loop body awaits: the generator is left suspended and"
                    " closed at the end", [
        agen("G", try_([yield_value(1), yield_value(2)], finally_=[log("g finally"), sleep(1), log("g closed")])),
        spawn("C", async_for("G", log("c body"), sleep(5))),
        sleep(1), cancel("C"), guard(await_("C")), log("main done")]))
    add(F, scenario("agen_body_swallows_cancellation_and_yields",
                    "the body catches the consumer's cancellation and yields: anext returns that value", [
        agen("G", try_([sleep(5)], catch("CancelledError", log("g swallows"))), yield_value("late")),
        spawn("C", anext("G"), cancelling(), log("c goes on")),
        sleep(1), cancel("C"), await_("C")]))
    add(F, scenario("agen_timeout_around_anext",
                    "a timeout expiring while the body awaits: the body's finally runs, TimeoutError at the anext", [
        agen("G", finally_log(yield_value(1), sleep(5), yield_value(2))),
        anext("G"), guard(timeout("t", 1, anext("G"))), guard(anext("G"))]))
    add(F, scenario("agen_consumer_task_pending_at_end",
                    "a task still iterating at the end is cancelled while the body awaits: the body's finally runs"
                    " in it; nothing is left for shutdown_asyncgens", [
        agen("G", try_([yield_value(1), sleep(10), yield_value(2)],
                       finally_=[log("g finally"), sleep(1), log("g closed")])),
        spawn("C", async_for("G", log("c body"))), sleep(1)]))


def all_scenarios(add):
    protocol(add)
    athrow_scenarios(add)
    athrow_ended(add)
    deliberate_scenarios(add)
    misuse_scenarios(add)
    async_for_scenarios(add)
    shutdown_scenarios(add)
    concurrency_scenarios(add)
