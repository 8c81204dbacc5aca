"""Constructors for scenario steps, so the scenario sources read like the programs they describe.

Each function returns the JSON object of one step (see aio4j-conformance/README.md).
"""


def log(msg):
    return {"op": "log", "msg": msg}


def sleep(s):
    return {"op": "sleep", "s": s}


def yield_():
    return {"op": "yield"}


def spawn(name, *body, tg=None, coro=None):
    step = {"op": "spawn", "name": name}
    if tg is not None:
        step["tg"] = tg
    if coro is not None:
        step["coro"] = coro
    else:
        step["body"] = list(body)
    return step


def task(name, *body):
    """A task spawned as an item of gather / wait / wait_for / shield / as_completed."""
    return {"name": name, "body": list(body)}


def call(*body, coro=None):
    return {"op": "call", "coro": coro} if coro else {"op": "call", "body": list(body)}


def await_(t):
    return {"op": "await", "t": t}


def ret(value):
    return {"op": "return", "value": value}


def raise_(error, msg=None):
    step = {"op": "raise", "error": error}
    if msg is not None:
        step["msg"] = msg
    return step


def reraise():
    return {"op": "reraise"}


def cancel(t, msg=None):
    step = {"op": "cancel", "t": t}
    if msg is not None:
        step["msg"] = msg
    return step


def cancelling(t=None):
    return {"op": "cancelling"} if t is None else {"op": "cancelling", "t": t}


def uncancel(t=None):
    return {"op": "uncancel"} if t is None else {"op": "uncancel", "t": t}


def state(t):
    return {"op": "state", "t": t}


def future(name):
    return {"op": "future", "name": name}


def set_result(t, value):
    return {"op": "set_result", "t": t, "value": value}


def set_exception(t, error, msg=None):
    step = {"op": "set_exception", "t": t, "error": error}
    if msg is not None:
        step["msg"] = msg
    return step


def catch(type_, *body):
    return {"type": type_, "body": list(body)}


def try_(body, *catches, finally_=None):
    step = {"op": "try", "body": list(body), "catch": list(catches)}
    if finally_ is not None:
        step["finally"] = list(finally_)
    return step


def guard(*body):
    """Runs body, logging (via "caught") and swallowing whatever it raises."""
    return try_(list(body), catch("BaseException"))


def gather(*items, return_exceptions=False, as_=None, nowait=False):
    step = {"op": "gather", "items": list(items)}
    if return_exceptions:
        step["return_exceptions"] = True
    if as_ is not None:
        step["as"] = as_
    if nowait:
        step["nowait"] = True
    return step


def wait_for(item, timeout):
    return {"op": "wait_for", "item": item, "timeout": timeout}


def shield(item):
    return {"op": "shield", "item": item}


def wait(*items, timeout=None, return_when="ALL_COMPLETED"):
    step = {"op": "wait", "items": list(items), "return_when": return_when}
    if timeout is not None:
        step["timeout"] = timeout
    return step


def as_completed(*items, timeout=None):
    step = {"op": "as_completed", "items": list(items)}
    if timeout is not None:
        step["timeout"] = timeout
    return step


def timeout(name, delay, *body):
    return {"op": "timeout", "name": name, "delay": delay, "body": list(body)}


def timeout_at(name, at, *body):
    return {"op": "timeout", "name": name, "at": at, "body": list(body)}


def reschedule(cm, delay=None, at=None, none=False):
    if none:
        return {"op": "reschedule", "cm": cm, "at": None}
    if at is not None:
        return {"op": "reschedule", "cm": cm, "at": at}
    return {"op": "reschedule", "cm": cm, "delay": delay}


def expired(cm):
    return {"op": "expired", "cm": cm}


def when(cm):
    return {"op": "when", "cm": cm}


def taskgroup(name, *body):
    return {"op": "taskgroup", "name": name, "body": list(body)}


def tg_cancel(tg):
    return {"op": "tg_cancel", "tg": tg}


# ---------------------------------------------------------------- primitives and queues

def new(kind, name, value=None, maxsize=None, parties=None, lock=None):
    """kind: lock, event, condition, semaphore, bounded_semaphore, barrier, queue, lifo_queue,
    priority_queue."""
    step = {"op": "new", "kind": kind, "name": name}
    for k, v in (("value", value), ("maxsize", maxsize), ("parties", parties), ("lock", lock)):
        if v is not None:
            step[k] = v
    return step


def _method(op, on, **args):
    step = {"op": op, "on": on}
    step.update(args)
    return step


def acquire(on):
    return _method("acquire", on)


def release(on):
    return _method("release", on)


def locked(on):
    return _method("locked", on)


def with_(on, *body):
    """async with on: body"""
    return _method("with", on, body=list(body))


def set_(on):
    return _method("set", on)


def clear(on):
    return _method("clear", on)


def is_set(on):
    return _method("is_set", on)


def wait_on(on):
    """Event.wait(), Condition.wait(), Barrier.wait()."""
    return _method("wait", on)


def cond_wait_for(on, var, ge=None, eq=None):
    """Condition.wait_for(lambda: vars[var] >= ge) (or == eq); each evaluation is logged."""
    pred = {"var": var}
    if ge is not None:
        pred["ge"] = ge
    else:
        pred["eq"] = eq
    return _method("wait_for", on, pred=pred)


def set_var(var, value):
    return {"op": "set_var", "var": var, "value": value}


def add_var(var, by=1):
    return {"op": "add_var", "var": var, "by": by}


def notify(on, n=1):
    return _method("notify", on, n=n)


def notify_all(on):
    return _method("notify_all", on)


def reset(on):
    return _method("reset", on)


def abort(on):
    return _method("abort", on)


def n_waiting(on):
    return _method("n_waiting", on)


def broken(on):
    return _method("broken", on)


def parties(on):
    return _method("parties", on)


def put(on, value):
    return _method("put", on, value=value)


def get(on):
    return _method("get", on)


def put_nowait(on, value):
    return _method("put_nowait", on, value=value)


def get_nowait(on):
    return _method("get_nowait", on)


def qsize(on):
    return _method("qsize", on)


def empty(on):
    return _method("empty", on)


def full(on):
    return _method("full", on)


def task_done(on):
    return _method("task_done", on)


def join(on):
    return _method("join", on)


def shutdown(on, immediate=False):
    return _method("shutdown", on, immediate=immediate)


# ---------------------------------------------------------------- async generators

def agen(name, *body):
    """Defines the async generator `name` (created, not started); yield_value steps may stand in body
    and in the try steps of body."""
    return {"op": "agen", "name": name, "body": list(body)}


def yield_value(value):
    """`sent = yield value` inside an agen body: logs "yield v", then "sent = x" if x is not None."""
    return {"op": "yield_value", "value": value}


def anext(on):
    return _method("anext", on)


def asend(on, value):
    return _method("asend", on, value=value)


def athrow(on, error, msg=None):
    step = _method("athrow", on, error=error)
    if msg is not None:
        step["msg"] = msg
    return step


def aclose(on):
    return _method("aclose", on)


def async_for(on, *body, break_at=None):
    """async for v in on: body (logs "for on = v"); break_at: leave after the body ran for that value."""
    step = _method("async_for", on, body=list(body))
    if break_at is not None:
        step["break_at"] = break_at
    return step


def break_():
    return {"op": "break"}


def shutdown_asyncgens():
    return {"op": "shutdown_asyncgens"}


def scenario(name, doc, main, **extra):
    s = {"name": name, "doc": doc, "main": list(main)}
    s.update(extra)
    return s
