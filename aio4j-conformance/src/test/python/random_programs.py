"""Seeded random programs for the conformance suite: tasks, cancellation, timeouts and the
synchronization primitives and queues, mixed.

    python3 random_programs.py SEED [COUNT] [--out DIR]   programs SEED, SEED+1, ... as {"scenarios": [...]}
                                                         (to stdout, or to DIR/random_programs.json)
    python3 random_programs.py SEED --pretty             program SEED, indented, to read or to paste
                                                         into a hand-written scenario

Program SEED is a function of SEED alone (random.Random(SEED)): RandomProgramsTest runs programs
BASE .. BASE+N-1 on CPython (aio4j_reference.py) and on aio4j and compares them like the
hand-written scenarios. A failing program is named random_SEED; the test prints its JSON.

What a program is
-----------------
main creates one to three objects (lock L, event E, condition C over its own lock or over L,
semaphore or bounded semaphore S, barrier B, queue / lifo / priority queue Q with a maxsize), spawns
two to five tasks T1..Tn, then acts over virtual time: sleeps and yields, cancels tasks (with or
without a message), pokes the objects (set, clear, notify, put_nowait, get_nowait, task_done,
release, abort, reset, ...; what may block runs under a timeout), waits for tasks with
wait(timeout), and ends after a last sleep with the state of every task. The tasks still pending
are then cancelled by the interpreters' shutdown, and what they do then is traced too.

A task body is a few steps drawn from: sleeps and yields; every operation of the objects, blocking
or not, bare or under a guard that catches Exception (errors, timeouts) or BaseException (a
cancellation too); acquire / release in `with` or try/finally, around other steps; timeout() around
steps; try / except CancelledError that cleans up and re-raises, or swallows the cancellation and
goes on; cancelling another task or itself (with or without a message); cancelling(); awaiting a
task; wait_for() around a task or an inline one; gather(), wait(), shield() and as_completed() of
tasks; a TaskGroup whose children may fail; return values and errors.

Termination, by construction
----------------------------
Every program ends, on CPython and on a correct aio4j, so a deadlock is never an outcome to compare
(the virtual loop reports one as a broken scenario; aio4j's virtual clock, with nothing to jump to,
would wait until the test's time limit):

* main never waits without a bound: what may block runs under timeout(), it waits for tasks only
  with wait(timeout), never on a Condition (a timed-out wait re-acquires the lock, which a task may
  hold for long) and never for a task to end (wait_for would wait for the cancelled task's cleanup).
* The shutdown cancels the pending tasks again every 1000 virtual seconds until none is left
  (asyncio_interpreter.py / AioInterpreter). A task may catch cancellations anywhere, but programs
  have no loops: each round moves every blocked task on by a step at least, provided no task can
  wait for ever on something a cancellation does not break. The one such wait is a Condition waiter
  re-acquiring its lock (it retries through cancellations); so:
  - locks are taken only by `with` or acquire / try / finally release, and released on the way out;
  - while holding L when C is over L, a task only sleeps (awaiting a task that re-acquires L through
    C would be a cycle no cancellation breaks);
  - C's own lock is held only around a wait or a notify, and waiting on C without the lock (a
    misuse, a RuntimeError) is generated only then: were the lock held by a task that sleeps, the
    misused wait would release it, re-acquire it and keep it.
* A task waits only for the tasks spawned after its top-level task, so awaits form no cycle
  (cancelling a task that awaits a task that awaits it would recurse).

If CPython ever reports a deadlock, or a shutdown that has not ended after 100 rounds, that is a bug
of this generator, and the test says so.

aio4j's deliberate differences
------------------------------
The reference (aio4j_reference.py) has most of them patched in: Condition's hand-on and rethrown
CancelledError, wait_for checking the lock, IllegalStateException for task_done() and a bounded
over-release, wait_for not swallowing its caller's cancellation, TaskGroup's uncancel after the
wait, its tasks cancelled in creation order. Those it does not model are kept out of the programs:
uncancel() (aio4j's drops an undelivered cancellation), a second consumer of a task's outcome (3.11
gives a cancelled task's message to the first only: every task is awaited, gathered or wait_for'd
by one consumer at most) and gather(return_exceptions=True) (3.11 reports CancelledError('') for a
cancelled child), negative queue maxsizes, Queue.shutdown (3.13 API).
"""

import json
import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario_dsl import *  # noqa: F401,F403,E402

# the object of each kind (one per family: the semaphores share S, the queues Q)
OBJ = {"lock": "L", "event": "E", "condition": "C", "semaphore": "S", "bounded_semaphore": "S",
       "barrier": "B", "queue": "Q", "lifo_queue": "Q", "priority_queue": "Q"}
SLEEPS = [0.25, 0.5, 0.5, 1, 1, 1.5]
TIMEOUTS = [0.25, 0.5, 1, 1, 2]


def guard_exc(*body):
    """Runs body; an error that is an Exception (not a cancellation) is logged and swallowed."""
    return try_(list(body), catch("Exception"))


class Program:
    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.counter = 0
        self.objs = {}            # object name -> kind
        self.shared_lock = False  # whether C is over L
        self.tasks = []           # top-level task names, in spawn order
        self.consumed = set()     # tasks whose outcome has a consumer already

    # ---------------------------------------------------------------- helpers

    def chance(self, p):
        return self.r.random() < p

    def pick(self, weighted):
        """weighted: [(weight, callable)]: calls one, chosen by weight."""
        total = sum(w for w, _ in weighted)
        x = self.r.random() * total
        for w, f in weighted:
            x -= w
            if x < 0:
                return f()
        return weighted[-1][1]()

    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def value(self):
        self.counter += 1
        if self.objs.get("Q") == "priority_queue":
            return self.r.randrange(1, 10)  # priorities, with ties
        return self.counter

    def pause(self):
        return yield_() if self.chance(0.3) else sleep(self.r.choice(SLEEPS))

    def later_tasks(self, owner):
        """The top-level tasks that the tasks of `owner` (a top-level task, and the inline tasks and
        group children it spawns) may wait for: those spawned after it. main (None): all of them."""
        if owner is None:
            return list(self.tasks)
        return self.tasks[self.tasks.index(owner) + 1:]

    def unconsumed(self, owner):
        return [t for t in self.later_tasks(owner) if t not in self.consumed]

    def guarded(self, steps):
        """steps bare, or under a guard that catches Exception (errors, timeouts: logged and
        swallowed), or now and then BaseException (a cancellation too)."""
        return self.pick([(5, lambda: steps), (4, lambda: [guard_exc(*steps)]), (1, lambda: [guard(*steps)])])

    # ---------------------------------------------------------------- objects

    def setup(self):
        kinds = []
        n = self.pick([(50, lambda: 1), (35, lambda: 2), (15, lambda: 3)])
        while len(kinds) < n:
            k = self.pick([(3, lambda: "lock"), (3, lambda: "event"), (5, lambda: "condition"),
                           (2, lambda: "semaphore"), (2, lambda: "bounded_semaphore"), (3, lambda: "barrier"),
                           (2, lambda: "queue"), (1, lambda: "lifo_queue"), (2, lambda: "priority_queue")])
            if OBJ[k] not in [OBJ[x] for x in kinds]:
                kinds.append(k)
        steps = []
        for k in sorted(kinds, key=lambda k: k != "lock"):  # the lock first: a condition may share it
            name = OBJ[k]
            self.objs[name] = k
            if k == "condition":
                if "L" in self.objs and self.chance(0.5):
                    self.shared_lock = True
                    steps.append(new("condition", "C", lock="L"))
                else:
                    steps.append(new("condition", "C"))
            elif k in ("semaphore", "bounded_semaphore"):
                steps.append(new(k, "S", value=self.r.choice([0, 1, 1, 2])))
            elif k == "barrier":
                steps.append(new("barrier", "B", parties=self.r.choice([2, 2, 3])))
            elif k in ("queue", "lifo_queue", "priority_queue"):
                steps.append(new(k, "Q", maxsize=self.r.choice([0, 1, 1, 2, 3])))
            else:
                steps.append(new(k, name))
        return steps

    def obj_ops(self, owner, me, depth, main):
        """The operations on the objects, [(weight, callable -> [steps])]. main's may wait only under a
        timeout, and never on the Condition (see "Termination")."""
        r = self.r
        ops = []

        def blocking(*body):
            return [guard_exc(timeout(self.fresh("to"), r.choice(TIMEOUTS), *body))] if main else list(body)

        def held(on):
            """What a task does while it holds the lock or a permit: anything, but for L under C only
            sleeps (see "Termination")."""
            if main or depth >= 2 or (on == "L" and self.shared_lock):
                return [self.pick([(3, lambda: self.pause()), (1, lambda: log("held"))])]
            return self.steps(owner, me, depth + 1, r.choice([1, 1, 2]))

        def notifier():
            body = [add_var("n")] if self.chance(0.6) else []
            body.append(self.pick([(3, lambda: notify("C", r.choice([1, 1, 2]))), (2, lambda: notify_all("C"))]))
            return body

        for name, k in self.objs.items():
            if k == "lock":
                ops += [(4, lambda: blocking(with_("L", *held("L")))),
                        (1, lambda: blocking(acquire("L"), try_(held("L"), finally_=[release("L")]))),
                        (1, lambda: [guard_exc(release("L"))]),  # misuse: a release without the lock
                        (1, lambda: [locked("L")])]
            elif k == "event":
                ops += [(4, lambda: blocking(wait_on("E"))),
                        (3, lambda: [set_("E")]),
                        (2, lambda: [clear("E")]),
                        (1, lambda: [is_set("E")])]
            elif k == "condition":
                ops += [(4, lambda: blocking(with_("C", *notifier()))),
                        (1, lambda: [guard_exc(notify("C"))])]  # misuse: a notify without the lock
                if not main:
                    ops += [(4, lambda: [with_("C", wait_on("C"))]),
                            (3, lambda: [with_("C", cond_wait_for("C", "n", ge=r.choice([1, 2, 3])))]),
                            (1, lambda: [with_("C", cond_wait_for("C", "n", eq=r.choice([1, 2])))])]
                    if not self.shared_lock:
                        # misuse: waiting without the lock. Not over L: a task may hold L while it waits
                        # for something, and a wait that passed the lock check would release that task's
                        # lock and then keep it for ever.
                        ops += [(1, lambda: [guard_exc(wait_on("C"))]),
                                (1, lambda: [guard_exc(cond_wait_for("C", "n", ge=r.choice([0, 1])))])]
            elif k in ("semaphore", "bounded_semaphore"):
                ops += [(4, lambda: blocking(with_("S", *held("S")))),
                        (1, lambda: blocking(acquire("S"), try_(held("S"), finally_=[release("S")]))),
                        (2, lambda: [guard_exc(release("S"))]),
                        (1, lambda: [locked("S")])]
                if not main:
                    ops += [(1, lambda: [acquire("S")])]  # keeps the permit
            elif k == "barrier":
                ops += [(5, lambda: blocking(wait_on("B"))),
                        (1, lambda: [abort("B")]),
                        (2, lambda: [reset("B")]),
                        (1, lambda: [self.pick([(1, lambda: n_waiting("B")), (1, lambda: broken("B"))])])]
            else:  # queues
                ops += [(3, lambda: blocking(put("Q", self.value()))),
                        (3, lambda: blocking(get("Q"))),
                        (2, lambda: [guard_exc(put_nowait("Q", self.value()))]),
                        (2, lambda: [guard_exc(get_nowait("Q"))]),
                        (2, lambda: [guard_exc(task_done("Q"))]),
                        (2, lambda: blocking(join("Q"))),
                        (1, lambda: [self.pick([(1, lambda: qsize("Q")), (1, lambda: empty("Q")),
                                                (1, lambda: full("Q"))])])]
                if not main:
                    ops += [(2, lambda: [get("Q"), guard_exc(task_done("Q"))])]  # a consumer
        return ops

    # ---------------------------------------------------------------- tasks

    def task_body(self, owner, me, size, depth):
        """The steps of task `me`, one of top-level task `owner`'s."""
        body = self.steps(owner, me, depth, size)
        if self.chance(0.15):
            # cleanup that sees the cancellation and lets it go on
            body = [try_(body, catch("CancelledError", log("cleanup"), reraise()))]
        if self.chance(0.3):
            body.append(ret(self.r.choice(["v", 1, 2, None])))
        return body

    def steps(self, owner, me, depth, n):
        out = []
        for _ in range(n):
            out.extend(self.step(owner, me, depth))
        return out

    def inline_task(self, owner, depth):
        """A task spawned as an item of gather / wait_for / wait / shield / as_completed."""
        name = self.fresh("I")
        steps = self.task_body(owner, name, self.r.choice([1, 1, 2]), depth + 1)
        if self.chance(0.15):
            steps.append(raise_(self.r.choice(["E1", "E2"]), self.r.choice([None, "x"])))
        return task(name, *steps)

    def step(self, owner, me, depth):
        """One step of task `me` (top-level task `owner`'s, or owner itself)."""
        r = self.r
        choices = [(6, lambda: [self.pause()])]
        for w, f in self.obj_ops(owner, me, depth, main=False):
            choices.append((w * 1.5, lambda f=f: self.guarded(f())))
        others = [t for t in self.tasks if t != me]
        choices.append((2, lambda: [cancel(r.choice(others), r.choice([None, None, "m"]))]))
        choices.append((0.3, lambda: [cancel(me, r.choice([None, "self"]))]))
        if self.unconsumed(owner):
            choices.append((2, lambda: self.guarded([self.consume_await(owner)])))
        if depth < 3:
            # a cancellation handler: cleanup that lets the cancellation go on, or swallows it
            choices.append((2, lambda: [try_(self.steps(owner, me, depth + 1, r.choice([1, 2])),
                                             catch(r.choice(["CancelledError", "BaseException"]),
                                                   *([log("handled")] if self.chance(0.5) else []),
                                                   *([reraise()] if self.chance(0.4) else [])))]))
            choices.append((2, lambda: self.guarded([timeout(self.fresh("to"), r.choice(TIMEOUTS),
                                                             *self.steps(owner, me, depth + 1, r.choice([1, 2])))])))
        if depth < 2:
            choices.append((2, lambda: self.guarded([wait_for(self.wait_for_item(owner, depth),
                                                              r.choice(TIMEOUTS + [None]))])))
            choices.append((1.5, lambda: self.guarded([gather(*self.gather_items(owner, depth))])))
            choices.append((1, lambda: [self.wait_step(owner, depth)]))
            choices.append((0.4, lambda: self.guarded([shield(self.inline_task(owner, depth))])))
            choices.append((0.4, lambda: self.guarded([as_completed(
                *[self.inline_task(owner, depth) for _ in range(r.choice([1, 2]))],
                **({"timeout": r.choice(TIMEOUTS)} if self.chance(0.5) else {}))])))
        if depth < 1:
            choices.append((1.5, lambda: [self.task_group(owner, me, depth)]))
        choices.append((0.5, lambda: [raise_(r.choice(["E1", "E2"]), r.choice([None, "x"]))]))
        choices.append((0.5, lambda: [cancelling()]))
        return self.pick(choices)

    def consume_await(self, owner):
        t = self.r.choice(self.unconsumed(owner))
        self.consumed.add(t)
        return await_(t)

    def wait_for_item(self, owner, depth):
        live = self.unconsumed(owner)
        if live and self.chance(0.4):
            t = self.r.choice(live)
            self.consumed.add(t)
            return t
        return self.inline_task(owner, depth)

    def gather_items(self, owner, depth):
        items = []
        for _ in range(self.r.choice([1, 2, 2, 3])):
            live = [t for t in self.unconsumed(owner) if t not in items]
            if live and self.chance(0.3):
                t = self.r.choice(live)
                self.consumed.add(t)
                items.append(t)
            else:
                items.append(self.inline_task(owner, depth))
        return items

    def wait_step(self, owner, depth):
        """asyncio.wait consumes no outcome: any later task may be an item."""
        items = []
        for _ in range(self.r.choice([1, 2, 3])):
            live = [t for t in self.later_tasks(owner) if t not in items]
            if live and self.chance(0.4):
                items.append(self.r.choice(live))
            else:
                items.append(self.inline_task(owner, depth))
        when = self.r.choice(["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"])
        return wait(*items, timeout=self.r.choice(TIMEOUTS + [None, None]), return_when=when)

    def task_group(self, owner, me, depth):
        g = self.fresh("g")
        body = []
        for _ in range(self.r.choice([1, 2, 3])):
            child = self.fresh("K")
            steps = self.task_body(owner, child, self.r.choice([1, 2]), depth + 1)
            if self.chance(0.25):
                steps.insert(self.r.randrange(len(steps) + 1), raise_(self.r.choice(["E1", "E2"])))
            body.append(spawn(child, *steps, tg=g))
        body.extend(self.steps(owner, me, depth + 1, self.r.choice([0, 1, 2])))
        return try_([taskgroup(g, *body)], catch("ExceptionGroup"), catch("Exception"))

    # ---------------------------------------------------------------- main

    def main_action(self):
        r = self.r
        choices = [(6, lambda: [self.pause()])]
        choices += self.obj_ops(None, "main", 0, main=True)
        choices.append((4, lambda: [cancel(r.choice(self.tasks), r.choice([None, None, "m", "n"]))]))
        choices.append((1.5, lambda: [wait(*r.sample(self.tasks, min(len(self.tasks), r.choice([1, 2, 3]))),
                                           timeout=r.choice(TIMEOUTS),
                                           return_when=r.choice(["ALL_COMPLETED", "FIRST_COMPLETED",
                                                                 "FIRST_EXCEPTION"]))]))
        choices.append((1, lambda: [state(r.choice(self.tasks))]))
        return self.pick(choices)

    def build(self):
        r = self.r
        main = self.setup()
        self.tasks = ["T%d" % (i + 1) for i in range(r.choice([2, 3, 3, 4, 5]))]
        bodies = {}
        # later tasks first: a task's body consumes only later tasks, which are then still unconsumed
        # for it; main, generated last, takes none
        for t in reversed(self.tasks):
            bodies[t] = self.task_body(t, t, r.choice([1, 2, 3, 4]), 0)
        for t in self.tasks:
            main.append(spawn(t, *bodies[t]))
        for _ in range(r.choice([3, 5, 8, 12])):
            main.extend(self.main_action())
        main.append(sleep(r.choice([1, 2, 3])))
        main.extend(state(t) for t in self.tasks)
        return scenario("random_%d" % self.seed,
                        "random program %d (python3 src/test/python/random_programs.py %d --pretty)"
                        % (self.seed, self.seed), main)


def program(seed):
    return Program(seed).build()


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    out = None
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
        args.remove(out)
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    seed = int(args[0])
    if "--pretty" in argv:
        print(json.dumps(program(seed), indent=1))
        return 0
    count = int(args[1]) if len(args) > 1 else 1
    doc = {"scenarios": [program(seed + i) for i in range(count)]}
    if out is None:
        json.dump(doc, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
    else:
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "random_programs.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
