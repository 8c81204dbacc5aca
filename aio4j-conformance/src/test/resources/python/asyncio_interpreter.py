"""Runs conformance scenarios on CPython's asyncio, on virtual time, and prints their traces.

Usage: python3 asyncio_interpreter.py [--all] SCENARIO_DIR [NAME...]

Reads every ``*.json`` file under SCENARIO_DIR (see aio4j-conformance/README.md for the format),
runs each scenario whose ``"python"`` flag is not false (``--all``: every scenario, for running the
aio4j-only ones on a newer CPython that has their API) on a fresh ``VirtualTimeLoop``, and writes
one JSON document to stdout::

    {"python": "3.11.7 ...", "results": {NAME: OUTCOME, ...}}

OUTCOME is ``{"trace": [[time, task, event], ...], "result": "= 1" | "! ValueError(\"x\")",
"tasks": {NAME: "done = 1" | "failed ..." | "cancelled ..." | "pending"}}``, or
``{"error": "..."}`` when the scenario itself is broken (a deadlock, an unknown op).

Each scenario runs five times, with unrelated allocations in between; ``"unstable": true`` plus the
differing run's outcome under ``"rerun"`` says CPython gave two different answers (asyncio iterates
sets in a few places, for instance when a TaskGroup cancels its children), so only a per-task
comparison is meaningful for it.

The Java interpreter (org.aio4j.conformance.AioInterpreter, its async generator ops in GeneratorOps)
mirrors this file op for op; a change to one needs the same change to the other.
"""

import asyncio
import gc
import json
import os
import sys
import traceback
import types

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from virtual_loop import Deadlock, VirtualTimeLoop  # noqa: E402


# ---------------------------------------------------------------- errors and formatting

class ScenarioError(Exception):
    """Base of the error classes that "raise" steps create, one class per scenario error name."""
    error_name = "ScenarioError"


_ERROR_CLASSES = {}


def error_class(name):
    if name == "CancelledError":
        return asyncio.CancelledError
    if name == "TimeoutError":
        return TimeoutError
    cls = _ERROR_CLASSES.get(name)
    if cls is None:
        cls = type(name, (ScenarioError,), {"error_name": name})
        _ERROR_CLASSES[name] = cls
    return cls


def make_error(name, msg):
    cls = error_class(name)
    return cls() if msg is None else cls(msg)


def _message(e):
    return e.args[0] if e.args else None


def fmt_exc(e):
    if isinstance(e, asyncio.CancelledError):
        name = "CancelledError"
    elif isinstance(e, TimeoutError):
        return "TimeoutError"
    elif isinstance(e, BaseExceptionGroup):
        return "ExceptionGroup[" + ", ".join(fmt_exc(x) for x in e.exceptions) + "]"
    elif isinstance(e, ScenarioError):
        name = e.error_name
    elif isinstance(e, BUILTIN_ERRORS):
        return builtin_error_name(e)
    else:
        return "%s(%s)" % (type(e).__name__, json.dumps(str(e)))
    msg = _message(e)
    return name if msg is None else "%s(%s)" % (name, json.dumps(msg))


# Errors of asyncio's primitives and queues, printed by name only (their messages are each
# implementation's own wording): the Java side prints the same names for IllegalStateException,
# IllegalArgumentException, BrokenBarrierError and the interpreter's QueueEmpty / QueueFull.
# BrokenBarrierError is a RuntimeError, so it comes first.
# QueueShutDown exists from Python 3.13 on (see op_shutdown). The async generators' GeneratorExit
# and StopAsyncIteration print by name too (aio4j's GeneratorExit / StopAsyncIteration).
_BUILTIN_NAMES = tuple((cls, name) for cls, name in (
    (asyncio.BrokenBarrierError, "BrokenBarrierError"), (asyncio.QueueEmpty, "QueueEmpty"),
    (asyncio.QueueFull, "QueueFull"), (getattr(asyncio, "QueueShutDown", None), "QueueShutDown"),
    (RuntimeError, "RuntimeError"), (ValueError, "ValueError"), (GeneratorExit, "GeneratorExit"),
    (StopAsyncIteration, "StopAsyncIteration")) if cls is not None)
BUILTIN_ERRORS = tuple(cls for cls, _ in _BUILTIN_NAMES)


def builtin_error_name(e):
    for cls, name in _BUILTIN_NAMES:
        if isinstance(e, cls):
            return name
    raise TypeError(e)


def fmt_value(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, BaseException):
        return fmt_exc(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt_value(x) for x in v) + "]"
    raise TypeError("a scenario value must be null, a boolean, an integer, a string or a list: %r" % (v,))


def fmt_time(t):
    return "%.6f" % t


def matches(exc, type_name):
    if isinstance(type_name, list):
        return any(matches(exc, t) for t in type_name)
    if type_name == "BaseException":
        return True
    if type_name == "Exception":
        return isinstance(exc, Exception)
    if type_name == "CancelledError":
        return isinstance(exc, asyncio.CancelledError)
    if type_name == "TimeoutError":
        return isinstance(exc, TimeoutError)
    if type_name == "ExceptionGroup":
        return isinstance(exc, BaseExceptionGroup)
    if isinstance(exc, BUILTIN_ERRORS) and not isinstance(exc, ScenarioError):
        return builtin_error_name(exc) == type_name
    return isinstance(exc, ScenarioError) and exc.error_name == type_name


class ScenarioBroken(Exception):
    """The scenario is malformed (not a behaviour of the code under test)."""


class _Return:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Break:
    """What a block returns when a "break" step ran: it leaves the innermost "async_for"."""
    __slots__ = ()


BREAK = _Break()


RETURN_WHEN = {
    "FIRST_COMPLETED": asyncio.FIRST_COMPLETED,
    "FIRST_EXCEPTION": asyncio.FIRST_EXCEPTION,
    "ALL_COMPLETED": asyncio.ALL_COMPLETED,
}


# ---------------------------------------------------------------- the interpreter

class Interpreter:
    def __init__(self, scenario, loop):
        self.scenario = scenario
        self.loop = loop
        self.coros = scenario.get("coros", {})
        self.objs = {}           # name -> Task | Future | TaskGroup | Timeout | primitive | queue
        self.names = {}          # id(obj) -> name, for futures and tasks
        self.tasks = []          # (name, task) in creation order
        self.futures = []        # (name, future) of plain and gather futures
        self.vars = {}           # shared variables of "set_var" / "add_var" and predicates
        self.trace = []

    # -------------------------------------------------------- helpers

    def log(self, event):
        if self.loop.is_closed() or not self.loop.is_running():
            return  # a coroutine closed by the garbage collector after a deadlock
        task = asyncio.current_task()
        self.trace.append([fmt_time(self.loop.time()), self.task_label(task), event])

    def task_label(self, task):
        """A task's name in the trace. shutdown_asyncgens closes each generator in a task of its own,
        named Task-N; aio4j names that task "aclose G", and so does this: its coroutine is the
        generator's aclose() awaitable, which refers to the generator."""
        if task is None:
            return "-"
        coro = task.get_coro()
        if id(task) not in self.names and type(coro).__name__ == "async_generator_athrow":
            for ref in gc.get_referents(coro):
                if id(ref) in self.names:
                    return "aclose " + self.names[id(ref)]
        return task.get_name()

    def body_of(self, spec):
        if "body" in spec:
            return spec["body"]
        if "coro" in spec:
            try:
                return self.coros[spec["coro"]]
            except KeyError:
                raise ScenarioBroken("unknown coro %r" % spec["coro"]) from None
        raise ScenarioBroken("a step needs a 'body' or a 'coro': %r" % (spec,))

    def obj(self, name):
        try:
            return self.objs[name]
        except KeyError:
            raise ScenarioBroken("unknown object %r" % name) from None

    def register(self, name, obj, kind):
        if name in self.objs:
            raise ScenarioBroken("name %r used twice" % name)
        self.objs[name] = obj
        self.names[id(obj)] = name
        if kind == "task":
            self.tasks.append((name, obj))
        elif kind == "future":
            self.futures.append((name, obj))

    def name_of(self, fut):
        return self.names.get(id(fut), "?")

    def task_of(self, step):
        return self.obj(step["t"]) if "t" in step else asyncio.current_task()

    def label(self, step, op):
        return "%s %s" % (op, step["t"]) if "t" in step else op

    def spawn(self, spec, tg=None):
        name = spec["name"]
        coro = self.task_main(self.body_of(spec))
        if tg is not None:
            task = tg.create_task(coro, name=name)
        else:
            task = self.loop.create_task(coro, name=name)
        self.register(name, task, "task")
        return task

    def awaitable(self, item):
        """An item of gather/wait/...: the name of a task or future, or a task to spawn."""
        if isinstance(item, str):
            return self.obj(item)
        return self.spawn(item)

    async def task_main(self, steps):
        self.log("start")
        try:
            r = await self.block(steps, None)
        except BaseException as e:
            self.log("end ! " + fmt_exc(e))
            raise
        if r is BREAK:
            raise ScenarioBroken("break outside an async_for")
        value = r.value if isinstance(r, _Return) else None
        self.log("end = " + fmt_value(value))
        return value

    async def logged(self, what, awaitable):
        try:
            r = await awaitable
        except BaseException as e:
            self.log("%s ! %s" % (what, fmt_exc(e)))
            raise
        self.log("%s = %s" % (what, fmt_value(r)))
        return r

    # -------------------------------------------------------- steps

    async def block(self, steps, handling):
        """Runs steps; returns a _Return if a "return" step ran, else None."""
        for step in steps:
            r = await self.step(step, handling)
            if r is not None:
                return r
        return None

    async def step(self, step, handling):
        op = step.get("op")
        fn = getattr(self, "op_" + str(op), None)
        if fn is None:
            raise ScenarioBroken("unknown op %r in %r" % (op, step))
        return await fn(step, handling)

    async def op_log(self, step, handling):
        self.log("log " + step["msg"])

    async def op_sleep(self, step, handling):
        await asyncio.sleep(step["s"])

    async def op_yield(self, step, handling):
        await asyncio.sleep(0)

    async def op_spawn(self, step, handling):
        tg = self.obj(step["tg"]) if "tg" in step else None
        self.spawn(step, tg)

    async def op_call(self, step, handling):
        return await self.block(self.body_of(step), handling)

    async def op_await(self, step, handling):
        await self.logged("await " + step["t"], self.obj(step["t"]))

    async def op_return(self, step, handling):
        return _Return(step.get("value"))

    async def op_raise(self, step, handling):
        raise make_error(step["error"], step.get("msg"))

    async def op_reraise(self, step, handling):
        if handling is None:
            raise ScenarioBroken("reraise outside a catch body")
        raise handling

    async def op_cancel(self, step, handling):
        target = self.obj(step["t"])
        r = target.cancel(msg=step["msg"]) if "msg" in step else target.cancel()
        self.log("cancel %s = %s" % (step["t"], fmt_value(r)))

    async def op_cancelling(self, step, handling):
        self.log("%s = %d" % (self.label(step, "cancelling"), self.task_of(step).cancelling()))

    async def op_uncancel(self, step, handling):
        self.log("%s = %d" % (self.label(step, "uncancel"), self.task_of(step).uncancel()))

    async def op_state(self, step, handling):
        self.log("state %s = %s" % (step["t"], self.state_of(self.obj(step["t"]), brief=True)))

    async def op_future(self, step, handling):
        self.register(step["name"], self.loop.create_future(), "future")

    async def op_set_result(self, step, handling):
        self.obj(step["t"]).set_result(step.get("value"))

    async def op_set_exception(self, step, handling):
        self.obj(step["t"]).set_exception(make_error(step["error"], step.get("msg")))

    async def op_try(self, step, handling):
        result = None
        try:
            result = await self.block(step.get("body", []), handling)
        except BaseException as e:
            for catch in step.get("catch", []):
                if matches(e, catch["type"]):
                    self.log("caught " + fmt_exc(e))
                    result = await self.block(catch.get("body", []), e)
                    break
            else:
                raise
        finally:
            if "finally" in step:
                f = await self.block(step["finally"], handling)
                if f is not None:
                    return f
        return result

    async def op_gather(self, step, handling):
        futs = [self.awaitable(i) for i in step["items"]]
        g = asyncio.gather(*futs, return_exceptions=step.get("return_exceptions", False))
        if "as" in step:
            self.register(step["as"], g, "future")
        if not step.get("nowait", False):
            await self.logged("gather", g)

    async def op_shield(self, step, handling):
        fut = self.awaitable(step["item"])
        await self.logged("shield", asyncio.shield(fut))

    async def op_wait(self, step, handling):
        if "on" in step:
            return await self.wait_on(step, handling)
        futs = [self.awaitable(i) for i in step["items"]]
        when = RETURN_WHEN[step.get("return_when", "ALL_COMPLETED")]
        done, pending = await asyncio.wait(futs, timeout=step.get("timeout"), return_when=when)
        self.log("wait done=[%s] pending=[%s]" % (
            ", ".join(sorted(self.name_of(f) for f in done)),
            ", ".join(sorted(self.name_of(f) for f in pending))))

    async def op_as_completed(self, step, handling):
        futs = [self.awaitable(i) for i in step["items"]]
        for next_done in asyncio.as_completed(futs, timeout=step.get("timeout")):
            await self.logged("as_completed", next_done)

    async def op_timeout(self, step, handling):
        if "at" in step:
            cm = asyncio.timeout_at(step["at"])
        else:
            cm = asyncio.timeout(step.get("delay"))
        async with cm:
            self.register(step["name"], cm, "timeout")
            return await self.block(step.get("body", []), handling)

    async def op_reschedule(self, step, handling):
        cm = self.obj(step["cm"])
        if "delay" in step:
            when = None if step["delay"] is None else self.loop.time() + step["delay"]
        else:
            when = step.get("at")
        cm.reschedule(when)

    async def op_expired(self, step, handling):
        self.log("expired %s = %s" % (step["cm"], fmt_value(self.obj(step["cm"]).expired())))

    async def op_when(self, step, handling):
        w = self.obj(step["cm"]).when()
        self.log("when %s = %s" % (step["cm"], "null" if w is None else fmt_time(w)))

    async def op_taskgroup(self, step, handling):
        async with asyncio.TaskGroup() as tg:
            self.register(step["name"], tg, "taskgroup")
            return await self.block(step.get("body", []), handling)

    async def op_tg_cancel(self, step, handling):
        raise ScenarioBroken("tg_cancel (TaskGroup.cancel, Python 3.15) cannot run on CPython 3.11;"
                             " mark the scenario \"python\": false")

    # -------------------------------------------------------- synchronization primitives and queues
    #
    # Method ops name their object in "on" and log "<op> <on>" (plus the argument of put), then
    # " = value" when the call returns one, or " ! Error" when it raises (and the error propagates).

    SYNC_KINDS = {
        "lock": lambda step: asyncio.Lock(),
        "event": lambda step: asyncio.Event(),
        "semaphore": lambda step: asyncio.Semaphore(step.get("value", 1)),
        "bounded_semaphore": lambda step: asyncio.BoundedSemaphore(step.get("value", 1)),
        "barrier": lambda step: asyncio.Barrier(step["parties"]),
        "queue": lambda step: asyncio.Queue(step.get("maxsize", 0)),
        "lifo_queue": lambda step: asyncio.LifoQueue(step.get("maxsize", 0)),
        "priority_queue": lambda step: asyncio.PriorityQueue(step.get("maxsize", 0)),
    }

    def on(self, step, *types):
        o = self.obj(step["on"])
        if not isinstance(o, types):
            raise ScenarioBroken("%r cannot do %r" % (step["on"], step["op"]))
        return o

    def sync_log(self, what, fn):
        """Calls fn() (no waiting) and logs what it returned or raised, as logged() does for awaits."""
        try:
            r = fn()
        except BaseException as e:
            self.log("%s ! %s" % (what, fmt_exc(e)))
            raise
        self.log(what if r is None else "%s = %s" % (what, fmt_value(r)))
        return r

    async def async_log(self, what, awaitable, void=False):
        try:
            r = await awaitable
        except BaseException as e:
            self.log("%s ! %s" % (what, fmt_exc(e)))
            raise
        self.log(what if void else "%s = %s" % (what, fmt_value(r)))
        return r

    async def op_new(self, step, handling):
        kind = step["kind"]
        if kind == "condition":
            lock = None
            if "lock" in step:
                lock = self.obj(step["lock"])
                if not isinstance(lock, asyncio.Lock):
                    raise ScenarioBroken("the lock of a condition must be a lock: %r" % step["lock"])
            make = lambda: asyncio.Condition(lock)  # noqa: E731
        elif kind in self.SYNC_KINDS:
            make = lambda: self.SYNC_KINDS[kind](step)  # noqa: E731
        else:
            raise ScenarioBroken("unknown kind %r" % kind)
        try:
            o = make()
        except (RuntimeError, ValueError) as e:
            self.log("new %s ! %s" % (step["name"], fmt_exc(e)))
            raise
        self.register(step["name"], o, "sync")

    LOCKS = (asyncio.Lock, asyncio.Condition, asyncio.Semaphore)
    QUEUES = (asyncio.Queue,)

    async def op_acquire(self, step, handling):
        await self.async_log("acquire " + step["on"], self.on(step, *self.LOCKS).acquire())

    async def op_release(self, step, handling):
        self.sync_log("release " + step["on"], self.on(step, *self.LOCKS).release)

    async def op_locked(self, step, handling):
        self.sync_log("locked " + step["on"], self.on(step, *self.LOCKS).locked)

    async def op_with(self, step, handling):
        async with self.on(step, *self.LOCKS):
            return await self.block(step.get("body", []), handling)

    async def op_set(self, step, handling):
        self.sync_log("set " + step["on"], self.on(step, asyncio.Event).set)

    async def op_clear(self, step, handling):
        self.sync_log("clear " + step["on"], self.on(step, asyncio.Event).clear)

    async def op_is_set(self, step, handling):
        self.sync_log("is_set " + step["on"], self.on(step, asyncio.Event).is_set)

    async def wait_on(self, step, handling):
        o = self.on(step, asyncio.Event, asyncio.Condition, asyncio.Barrier)
        await self.async_log("wait " + step["on"], o.wait())

    async def op_wait_for(self, step, handling):
        if "on" not in step:
            fut = self.awaitable(step["item"])
            await self.logged("wait_for", asyncio.wait_for(fut, step.get("timeout")))
            return
        cond = self.on(step, asyncio.Condition)
        await self.async_log("wait_for " + step["on"], cond.wait_for(self.predicate(step["pred"])))

    def predicate(self, pred):
        """{"var": n, "ge": v} or {"var": n, "eq": v}: logs every evaluation."""
        var = pred["var"]
        if "ge" in pred:
            text, test = ">= %s" % fmt_value(pred["ge"]), lambda x: x >= pred["ge"]
        elif "eq" in pred:
            text, test = "== %s" % fmt_value(pred["eq"]), lambda x: x == pred["eq"]
        else:
            raise ScenarioBroken("a predicate needs 'ge' or 'eq': %r" % (pred,))

        def evaluate():
            r = test(self.vars.get(var, 0))
            self.log("predicate %s %s = %s" % (var, text, fmt_value(r)))
            return r
        return evaluate

    async def op_set_var(self, step, handling):
        self.vars[step["var"]] = step["value"]
        self.log("var %s = %s" % (step["var"], fmt_value(step["value"])))

    async def op_add_var(self, step, handling):
        self.vars[step["var"]] = self.vars.get(step["var"], 0) + step.get("by", 1)
        self.log("var %s = %s" % (step["var"], fmt_value(self.vars[step["var"]])))

    async def op_notify(self, step, handling):
        cond = self.on(step, asyncio.Condition)
        n = step.get("n", 1)
        self.sync_log("notify %s %d" % (step["on"], n), lambda: cond.notify(n))

    async def op_notify_all(self, step, handling):
        self.sync_log("notify_all " + step["on"], self.on(step, asyncio.Condition).notify_all)

    async def op_reset(self, step, handling):
        await self.async_log("reset " + step["on"], self.on(step, asyncio.Barrier).reset(), void=True)

    async def op_abort(self, step, handling):
        await self.async_log("abort " + step["on"], self.on(step, asyncio.Barrier).abort(), void=True)

    async def op_n_waiting(self, step, handling):
        b = self.on(step, asyncio.Barrier)
        self.sync_log("n_waiting " + step["on"], lambda: b.n_waiting)

    async def op_broken(self, step, handling):
        b = self.on(step, asyncio.Barrier)
        self.sync_log("broken " + step["on"], lambda: b.broken)

    async def op_parties(self, step, handling):
        b = self.on(step, asyncio.Barrier)
        self.sync_log("parties " + step["on"], lambda: b.parties)

    async def op_put(self, step, handling):
        q = self.on(step, *self.QUEUES)
        await self.async_log("put %s %s" % (step["on"], fmt_value(step["value"])), q.put(step["value"]), void=True)

    async def op_get(self, step, handling):
        await self.async_log("get " + step["on"], self.on(step, *self.QUEUES).get())

    async def op_put_nowait(self, step, handling):
        q = self.on(step, *self.QUEUES)
        self.sync_log("put_nowait %s %s" % (step["on"], fmt_value(step["value"])), lambda: q.put_nowait(step["value"]))

    async def op_get_nowait(self, step, handling):
        self.sync_log("get_nowait " + step["on"], self.on(step, *self.QUEUES).get_nowait)

    async def op_qsize(self, step, handling):
        self.sync_log("qsize " + step["on"], self.on(step, *self.QUEUES).qsize)

    async def op_empty(self, step, handling):
        self.sync_log("empty " + step["on"], self.on(step, *self.QUEUES).empty)

    async def op_full(self, step, handling):
        self.sync_log("full " + step["on"], self.on(step, *self.QUEUES).full)

    async def op_task_done(self, step, handling):
        self.sync_log("task_done " + step["on"], self.on(step, *self.QUEUES).task_done)

    async def op_join(self, step, handling):
        await self.async_log("join " + step["on"], self.on(step, *self.QUEUES).join(), void=True)

    async def op_shutdown(self, step, handling):
        q = self.on(step, *self.QUEUES)
        if not hasattr(q, "shutdown"):
            raise ScenarioBroken("shutdown (Queue.shutdown, Python 3.13) cannot run on CPython %d.%d;"
                                 " mark the scenario \"python\": false" % sys.version_info[:2])
        immediate = step.get("immediate", False)
        self.sync_log("shutdown %s%s" % (step["on"], " immediate" if immediate else ""),
                      lambda: q.shutdown(immediate=immediate))

    # -------------------------------------------------------- async generators
    #
    # An "agen" body is compiled to a real `async def` with `yield`s (a yield must be in the
    # generator's own frame, not in a coroutine it awaits): "yield_value" becomes `sent = yield v`,
    # "try" a native try/except/finally, "return" a bare return; every other step is
    # `await self.step(step, handling)`. A yield_value can therefore appear at the top of the body
    # and in the body, catch bodies and finally of a "try" in it, nowhere else.

    def compile_agen(self, name, steps):
        consts = []
        out = ["async def agen():", "    if False:", "        yield None  # an async generator even without yields"]
        counter = [0]

        def const(step):
            consts.append(step)
            return "C[%d]" % (len(consts) - 1)

        def emit(block, indent, handling):
            pad = " " * indent
            if not block:
                out.append(pad + "pass")
            for st in block:
                op = st.get("op")
                if op == "yield_value":
                    c = const(st.get("value"))
                    out.append(pad + "I.log('yield ' + fmt_value(%s))" % c)
                    out.append(pad + "_sent = yield %s" % c)
                    out.append(pad + "if _sent is not None:")
                    out.append(pad + "    I.log('sent = ' + fmt_value(_sent))")
                elif op == "return":
                    if st.get("value") is not None:
                        raise ScenarioBroken("a generator's return has no value: %r" % (st,))
                    out.append(pad + "return")
                elif op == "try":
                    counter[0] += 1
                    e = "_e%d" % counter[0]
                    out.append(pad + "try:")
                    emit(st.get("body", []), indent + 4, handling)
                    out.append(pad + "except BaseException as %s:" % e)
                    kw = "if"
                    for katch in st.get("catch", []):
                        out.append(pad + "    %s matches(%s, %s):" % (kw, e, const(katch["type"])))
                        out.append(pad + "        I.log('caught ' + fmt_exc(%s))" % e)
                        emit(katch.get("body", []), indent + 8, e)
                        kw = "elif"
                    if kw == "if":
                        out.append(pad + "    raise")
                    else:
                        out.append(pad + "    else:")
                        out.append(pad + "        raise")
                    if "finally" in st:
                        out.append(pad + "finally:")
                        emit(st["finally"], indent + 4, handling)
                else:
                    out.append(pad + "if await I.step(%s, %s) is not None:" % (const(st), handling))
                    out.append(pad + "    return")

        emit(steps, 4, "None")
        env = {"I": self, "C": consts, "fmt_value": fmt_value, "fmt_exc": fmt_exc, "matches": matches}
        exec(compile("\n".join(out) + "\n", "<agen %s>" % name, "exec"), env)
        return env["agen"]

    def agen(self, step):
        return self.on(step, types.AsyncGeneratorType)

    async def op_agen(self, step, handling):
        if "body" not in step:
            raise ScenarioBroken("an agen needs an inline 'body': %r" % (step,))
        self.register(step["name"], self.compile_agen(step["name"], step["body"])(), "agen")

    async def op_yield_value(self, step, handling):
        raise ScenarioBroken("yield_value outside the body of an agen (or inside an op other than try)")

    async def op_anext(self, step, handling):
        await self.async_log("anext " + step["on"], self.agen(step).__anext__())

    async def op_asend(self, step, handling):
        g = self.agen(step)
        await self.async_log("asend %s %s" % (step["on"], fmt_value(step["value"])), g.asend(step["value"]))

    async def op_athrow(self, step, handling):
        g = self.agen(step)
        await self.async_log("athrow " + step["on"], g.athrow(make_error(step["error"], step.get("msg"))))

    async def op_aclose(self, step, handling):
        await self.async_log("aclose " + step["on"], self.agen(step).aclose(), void=True)

    async def op_async_for(self, step, handling):
        name, g = step["on"], self.agen(step)
        async for v in g:
            self.log("for %s = %s" % (name, fmt_value(v)))
            r = await self.block(step.get("body", []), handling)
            if r is BREAK or ("break_at" in step and fmt_value(v) == fmt_value(step["break_at"])):
                self.log("for %s break" % name)
                return None
            if r is not None:
                return r
        self.log("for %s end" % name)

    async def op_break(self, step, handling):
        return BREAK

    async def op_shutdown_asyncgens(self, step, handling):
        await self.async_log("shutdown_asyncgens", self.loop.shutdown_asyncgens(), void=True)

    # -------------------------------------------------------- outcome

    def state_of(self, fut, brief=False):
        if not fut.done():
            return "pending"
        if fut.cancelled():
            # No message: CPython hands a cancelled task's message to the first result() call only
            # (it keeps the CancelledError once); messages are compared where they are awaited.
            return "cancelled"
        exc = fut.exception()
        if exc is not None:
            return "failed" if brief else "failed " + fmt_exc(exc)
        return "done" if brief else "done = " + fmt_value(fut.result())

    def run(self):
        main = self.loop.create_task(self.task_main(self.scenario["main"]), name="main")
        self.objs["main"] = main  # steps may name the main task; it is not among the traced tasks
        self.names[id(main)] = "main"
        try:
            value = self.loop.run_until_complete(main)
            result = "= " + fmt_value(value)
        except Deadlock:
            raise
        except BaseException as e:  # the main task's own outcome
            result = "! " + fmt_exc(e)
        tasks = {}
        for name, fut in self.tasks + self.futures:
            tasks[name] = self.state_of(fut)
        self.loop.run_until_complete(self.loop.create_task(self.shutdown(), name="shutdown"))
        # Then the async generators left suspended, as asyncio.Runner.close does after cancelling the
        # tasks. The generators stay referenced in self.objs until here, so no garbage collection
        # closes one earlier (its finalizer hook would): only shutdown_asyncgens does, on both sides.
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        for event in self.trace:
            if "ScenarioBroken(" in event[2]:
                raise ScenarioBroken("in task %s at %s: %s" % (event[1], event[0], event[2]))
        return {"trace": self.trace, "result": result, "tasks": tasks}

    async def shutdown(self):
        """Cancels the tasks still pending, in creation order, and waits for them. A task may catch
        its cancellation and wait again: what is still pending after SHUTDOWN_ROUND seconds is
        cancelled again, until nothing is (at most SHUTDOWN_ROUNDS times)."""
        for _ in range(SHUTDOWN_ROUNDS):
            pending = [t for _, t in self.tasks if not t.done()]
            if not pending:
                return
            for t in pending:
                t.cancel()
            await asyncio.wait(pending, timeout=SHUTDOWN_ROUND)
        raise ScenarioBroken("tasks still pending after %d rounds of cancellation at shutdown: %s" % (
            SHUTDOWN_ROUNDS, ", ".join(n for n, t in self.tasks if not t.done())))


# The shutdown's rounds: long enough for any cleanup a scenario does after its cancellation, and
# every program's steps are finite, so a task that keeps catching them ends after a few rounds.
SHUTDOWN_ROUND = 1000
SHUTDOWN_ROUNDS = 100


def run_scenario(scenario):
    loop = VirtualTimeLoop()
    loop.set_exception_handler(lambda loop, context: None)  # unretrieved errors are not traced
    try:
        return Interpreter(scenario, loop).run()
    except Deadlock as e:
        return {"error": "Deadlock: %s" % e}
    except ScenarioBroken as e:
        return {"error": "broken scenario: %s" % e}
    except Exception:
        return {"error": "interpreter failure: " + traceback.format_exc()}
    finally:
        loop.close()


def load_scenarios(directory):
    scenarios = []
    for root, _, files in os.walk(directory):
        for f in sorted(files):
            if f.endswith(".json"):
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    doc = json.load(fh)
                scenarios.extend(doc["scenarios"] if isinstance(doc, dict) else doc)
    return scenarios


# Runs after the first; asyncio's set iteration follows object addresses, which the ballast moves.
RERUNS = 4


def main(argv):
    everything = "--all" in argv  # also the "python": false scenarios (to run them on a newer Python)
    argv = [a for a in argv if a != "--all"]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    only = set(argv[2:])
    results = {}
    for sc in load_scenarios(argv[1]):
        if (sc.get("python", True) is False and not everything) or (only and sc["name"] not in only):
            continue
        first = run_scenario(sc)
        for i in range(RERUNS):
            ballast = [object() for _ in range(i * 37 + len(sc["name"]))]  # move later allocations
            again = run_scenario(sc)
            del ballast
            if again != first:
                first["unstable"] = True
                first["rerun"] = again
                break
        results[sc["name"]] = first
    json.dump({"python": sys.version, "results": results}, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
