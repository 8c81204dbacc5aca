"""Runs conformance scenarios on CPython's asyncio, on virtual time, and prints their traces.

Usage: python3 asyncio_interpreter.py SCENARIO_DIR [NAME...]

Reads every ``*.json`` file under SCENARIO_DIR (see aio4j-conformance/README.md for the format),
runs each scenario whose ``"python"`` flag is not false on a fresh ``VirtualTimeLoop``, and writes
one JSON document to stdout::

    {"python": "3.11.7 ...", "results": {NAME: OUTCOME, ...}}

OUTCOME is ``{"trace": [[time, task, event], ...], "result": "= 1" | "! ValueError(\"x\")",
"tasks": {NAME: "done = 1" | "failed ..." | "cancelled ..." | "pending"}}``, or
``{"error": "..."}`` when the scenario itself is broken (a deadlock, an unknown op).

Each scenario runs five times, with unrelated allocations in between; ``"unstable": true`` plus the
differing run's outcome under ``"rerun"`` says CPython gave two different answers (asyncio iterates
sets in a few places, for instance when a TaskGroup cancels its children), so only a per-task
comparison is meaningful for it.

The Java interpreter (org.aio4j.conformance.AioInterpreter) mirrors this file op for op; a change
to one needs the same change to the other.
"""

import asyncio
import json
import os
import sys
import traceback

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
    else:
        return "%s(%s)" % (type(e).__name__, json.dumps(str(e)))
    msg = _message(e)
    return name if msg is None else "%s(%s)" % (name, json.dumps(msg))


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
    return isinstance(exc, ScenarioError) and exc.error_name == type_name


class ScenarioBroken(Exception):
    """The scenario is malformed (not a behaviour of the code under test)."""


class _Return:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


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
        self.objs = {}           # name -> Task | Future | TaskGroup | Timeout
        self.names = {}          # id(obj) -> name, for futures and tasks
        self.tasks = []          # (name, task) in creation order
        self.futures = []        # (name, future) of plain and gather futures
        self.trace = []

    # -------------------------------------------------------- helpers

    def log(self, event):
        if self.loop.is_closed() or not self.loop.is_running():
            return  # a coroutine closed by the garbage collector after a deadlock
        task = asyncio.current_task()
        self.trace.append([fmt_time(self.loop.time()), task.get_name() if task else "-", event])

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

    async def op_wait_for(self, step, handling):
        fut = self.awaitable(step["item"])
        await self.logged("wait_for", asyncio.wait_for(fut, step.get("timeout")))

    async def op_shield(self, step, handling):
        fut = self.awaitable(step["item"])
        await self.logged("shield", asyncio.shield(fut))

    async def op_wait(self, step, handling):
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
        for event in self.trace:
            if "ScenarioBroken(" in event[2]:
                raise ScenarioBroken("in task %s at %s: %s" % (event[1], event[0], event[2]))
        return {"trace": self.trace, "result": result, "tasks": tasks}

    async def shutdown(self):
        """Cancels the tasks still pending, in creation order, and waits for them."""
        pending = [t for _, t in self.tasks if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


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
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    only = set(argv[2:])
    results = {}
    for sc in load_scenarios(argv[1]):
        if sc.get("python", True) is False or (only and sc["name"] not in only):
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
