"""asyncio_interpreter.py on CPython 3.11 asyncio with aio4j's deliberate differences patched in.

Usage: as asyncio_interpreter.py: python3 aio4j_reference.py [--known-bugs=NAME,...|all] SCENARIO_DIR [NAME...]
       python3 aio4j_reference.py --list-known-bugs      (KNOWN_BUGS as JSON)

The hand-written scenarios state each deliberate difference once, in an "aio4j_expected" block over
CPython's outcome. Random programs (RandomProgramsTest) cannot: nobody knows in advance whether a
program hits one. So their reference is 3.11's asyncio changed, in as few lines as possible, to do
what aio4j documents where it departs from 3.11 on purpose (README, "Where aio4j differs"). Each
patch below names the difference it encodes; everything else is 3.11's own code. A difference that
is not patched here shows as a failure, as it should.

Run over the hand-written scenarios, this reference gives the "aio4j_expected" outcome of every
deliberate difference it patches, and CPython's own outcome of every other scenario.

Not patched, because random programs do not reach them (random_programs.py keeps them out):
uncancel() dropping a pending cancellation (no uncancel op), the cancel message kept for every
consumer of a cancelled task (every task has at most one consumer, no return_exceptions), a negative
Queue maxsize, and Queue.shutdown (3.13 API).

KNOWN_BUGS (at the end) are not part of the reference: aio4j bugs found and not fixed yet, which
RandomProgramsTest emulates to recognize a program that hits one (--known-bugs).
"""

import asyncio
import functools
import json
import os
import sys
from asyncio import exceptions

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import asyncio_interpreter  # noqa: E402


# ---- Condition.wait: 3.13's hand-on (gh-112202) for a notified waiter only; the last CancelledError
# (with its message) is rethrown. aio4j's Condition.await() (README: sync_condition_wake_then_cancel,
# condition_cancel_while_reacquiring_message). 3.11 loses the notification and raises a bare
# CancelledError; 3.13 also wakes a waiter spuriously for an un-notified one, which aio4j does not.
async def _condition_wait(self):
    if not self.locked():
        raise RuntimeError('cannot wait on un-acquired lock')
    self.release()
    fut = self._get_loop().create_future()
    try:
        try:
            self._waiters.append(fut)
            try:
                await fut
                return True
            finally:
                self._waiters.remove(fut)
        finally:
            # Must reacquire lock even if wait is cancelled; rethrow the last cancellation received.
            err = None
            while True:
                try:
                    await self.acquire()
                    break
                except exceptions.CancelledError as e:
                    err = e
            if err is not None:
                try:
                    raise err
                finally:
                    err = None
    except BaseException:
        if fut.done() and not fut.cancelled():  # a notify reached this waiter: pass it on
            for w in self._waiters:
                if not w.done():
                    w.set_result(False)
                    break
        raise


# ---- Condition.wait_for checks the lock before calling the predicate (condition_wait_without_lock).
async def _condition_wait_for(self, predicate):
    if not self.locked():
        raise RuntimeError('cannot wait on un-acquired lock')
    result = predicate()
    while not result:
        await self.wait()
        result = predicate()
    return result


# ---- BoundedSemaphore: an extra release is a RuntimeError (IllegalStateException), not ValueError,
# and a permit on its way to a woken waiter that has not resumed yet counts as taken, so the error
# hits the extra release itself (bounded_semaphore_over_release; Semaphore's implementation notes).
# 3.11 compares _value only: the extra release passes and the woken waiter's own release fails later.
def _bounded_release(self):
    handed = sum(1 for w in (self._waiters or ()) if w.done() and not w.cancelled())
    if self._value + handed >= self._bound_value:
        raise RuntimeError('BoundedSemaphore released too many times')
    asyncio.Semaphore.release(self)


# ---- Queue.task_done called too often is a RuntimeError (IllegalStateException), not ValueError
# (queue_task_done_too_many).
_task_done_311 = asyncio.Queue.task_done


def _task_done(self):
    if self._unfinished_tasks <= 0:
        raise RuntimeError('task_done() called too many times')
    _task_done_311(self)


# ---- wait_for never swallows a cancellation of its caller: 3.11 returns the work's result when the
# caller is cancelled in the iteration the work completed; aio4j raises the CancelledError
# (wait_for_outer_cancel_when_work_just_done). 3.11.7's wait_for with that one line changed.
async def _wait_for(fut, timeout):
    loop = asyncio.get_running_loop()
    if timeout is None:
        return await fut
    if timeout <= 0:
        fut = asyncio.ensure_future(fut, loop=loop)
        if fut.done():
            return fut.result()
        await asyncio.tasks._cancel_and_wait(fut, loop=loop)
        try:
            return fut.result()
        except exceptions.CancelledError as exc:
            raise exceptions.TimeoutError() from exc
    waiter = loop.create_future()
    timeout_handle = loop.call_later(timeout, asyncio.tasks._release_waiter, waiter)
    cb = functools.partial(asyncio.tasks._release_waiter, waiter)
    fut = asyncio.ensure_future(fut, loop=loop)
    fut.add_done_callback(cb)
    try:
        try:
            await waiter
        except exceptions.CancelledError:
            if fut.done():
                raise  # 3.11: return fut.result()
            else:
                fut.remove_done_callback(cb)
                await asyncio.tasks._cancel_and_wait(fut, loop=loop)
                raise
        if fut.done():
            return fut.result()
        else:
            fut.remove_done_callback(cb)
            await asyncio.tasks._cancel_and_wait(fut, loop=loop)
            try:
                return fut.result()
            except exceptions.CancelledError as exc:
                raise exceptions.TimeoutError() from exc
    finally:
        timeout_handle.cancel()


# ---- TaskGroup takes its cancellation request of the parent back after waiting for its tasks, not
# before (3.13's order, gh-116720): a task failing during that wait cancels the parent too, and 3.11
# leaves its cancelling() at 1 (taskgroup_child_fails_after_body_done). 3.11.7's __aexit__ with the
# uncancel moved below the wait, and 3.13's keeping of an outer cancellation (below). A cancellation of
# the parent that arrives while the group aborts is the one aio4j propagates (tg_cancel_and_outer_cancel)
# or, after a failure, re-delivers with its message; 3.11 drops it.
async def _taskgroup_aexit(self, et, exc, tb):
    self._exiting = True
    if exc is not None and self._is_base_error(exc) and self._base_error is None:
        self._base_error = exc
    propagate_cancellation_error = exc if et is exceptions.CancelledError else None
    if et is not None:
        if not self._aborting:
            self._abort()
    cancelled_while_aborting = None
    while self._tasks:
        if self._on_completed_fut is None:
            self._on_completed_fut = self._loop.create_future()
        try:
            await self._on_completed_fut
        except exceptions.CancelledError as ex:
            if not self._aborting:
                propagate_cancellation_error = ex
                self._abort()
            elif cancelled_while_aborting is None:
                cancelled_while_aborting = ex  # aio4j: not the group's own, so not to swallow (below)
        self._on_completed_fut = None
    assert not self._tasks
    if self._parent_cancel_requested:
        if self._parent_task.uncancel() == 0:  # 3.11: before the wait
            propagate_cancellation_error = None
        elif cancelled_while_aborting is not None:
            propagate_cancellation_error = cancelled_while_aborting
    elif propagate_cancellation_error is None and cancelled_while_aborting is not None:
        propagate_cancellation_error = cancelled_while_aborting
    if self._base_error is not None:
        raise self._base_error
    if propagate_cancellation_error and not self._errors and et in (None, exceptions.CancelledError):
        raise propagate_cancellation_error  # a failure of the body comes first (3.11: never set then)
    if et is not None and et is not exceptions.CancelledError:
        self._errors.append(exc)
    if self._errors:
        # ---- 3.13 (test_error_and_cancel; taskgroup_error_and_outer_cancel): a cancellation of the parent
        # from outside is not swallowed by the ExceptionGroup but re-delivered at its next await, the
        # count unchanged; aio4j keeps its message, 3.13 re-cancels without one
        # (taskgroup_outer_cancel_while_failing).
        if self._parent_task.cancelling():
            self._parent_task.uncancel()
            self._parent_task.cancel(propagate_cancellation_error.args[0]
                                     if propagate_cancellation_error is not None
                                     and propagate_cancellation_error.args else None)
        try:
            me = BaseExceptionGroup('unhandled errors in a TaskGroup', self._errors)
            raise me from None
        finally:
            self._errors = None


# ---- A TaskGroup cancels its tasks in the order they were created (aio4j keeps them in a
# LinkedHashSet). asyncio keeps them in a set, so its order is that of their hashes: their memory
# addresses. Any order is asyncio's; this one is aio4j's, so programs compare in global order.
class _OrderedSet(dict):
    def add(self, x):
        self[x] = None

    def discard(self, x):
        self.pop(x, None)


_taskgroup_init_311 = asyncio.TaskGroup.__init__


def _taskgroup_init(self):
    _taskgroup_init_311(self)
    self._tasks = _OrderedSet()


# ================================================================ known aio4j bugs
#
# aio4j bugs found by RandomProgramsTest and not fixed yet, each emulated here, exactly as aio4j
# behaves. They are not part of the reference: RandomProgramsTest compares a program that differs
# once more, against the reference with the known bugs emulated (--known-bugs), and reports it as
# skipped with the bug's name when aio4j matches that. Each also has a hand-written scenario marked
# "known_discrepancy" (deliberate.py). When aio4j is fixed, that scenario fails: remove its marker,
# and the bug from here.

KNOWN_BUGS = {}  # none open: the three found so far (random_findings.json) are fixed

_emulated = set()


def emulate(names):
    """Emulates the KNOWN_BUGS named (all of them for "all")."""
    names = set(KNOWN_BUGS) if names == ["all"] else set(names)
    unknown = names - set(KNOWN_BUGS)
    if unknown:
        raise SystemExit("unknown known bug(s): %s (known: %s)" % (", ".join(sorted(unknown)), ", ".join(KNOWN_BUGS)))
    _emulated.update(names)


def patch():
    """Applies the patches (on another Python than 3.11 the test rejects the run by its version anyway)."""
    # the scenarios' conditions only: asyncio.Barrier waits on a Condition of its own (locks.Condition),
    # and keeps 3.11's, as aio4j's Barrier, which is not built on a Condition, behaves as 3.11's does
    asyncio.Condition = type("Condition", (asyncio.Condition,),
                             {"wait": _condition_wait, "wait_for": _condition_wait_for})
    asyncio.BoundedSemaphore.release = _bounded_release
    asyncio.Queue.task_done = _task_done
    asyncio.wait_for = _wait_for
    asyncio.TaskGroup.__aexit__ = _taskgroup_aexit
    asyncio.TaskGroup.__init__ = _taskgroup_init


if __name__ == "__main__":
    if "--list-known-bugs" in sys.argv:
        json.dump(KNOWN_BUGS, sys.stdout)
        sys.exit(0)
    patch()
    args = []
    for a in sys.argv:
        if a.startswith("--known-bugs="):
            emulate(a[len("--known-bugs="):].split(","))
        else:
            args.append(a)
    sys.exit(asyncio_interpreter.main(args))
