"""A CPython asyncio event loop on virtual time, for the conformance suite.

The loop is an ``asyncio.BaseEventLoop`` subclass, so tasks, futures, timeouts, task groups and
the scheduling order (``_run_once``: due timers, then exactly the callbacks ready now) are
CPython's own. Only two things change:

* ``time()`` reads an integer nanosecond counter that starts at 0 and never moves on its own.
* The "selector" never waits: when ``_run_once`` would block until the next timer, it jumps the
  counter to that timer's deadline instead. When nothing is ready and no timer is pending, the
  program can never continue: that is reported as ``Deadlock`` instead of hanging.

Timer deadlines are rounded to whole nanoseconds, and timers due at the same instant run in the
order they were scheduled, by ``(deadline, sequence)``. asyncio's own heap compares deadlines only,
so the order of equal deadlines is an accident of ``heapq``; aio4j orders them by
``(deadline, sequence)`` by design, and a conformance check of "two things happen at the same
instant" needs one defined order on both sides.
"""

import asyncio
import heapq
from asyncio import events


class Deadlock(Exception):
    """Nothing is ready and no timer is pending, but the loop was asked to keep running."""


class _SequencedTimerHandle(events.TimerHandle):
    __slots__ = ("_ns", "_seq")

    def __init__(self, ns, seq, callback, args, loop, context):
        super().__init__(ns / 1e9, callback, args, loop, context)
        self._ns = ns
        self._seq = seq

    def __lt__(self, other):
        return (self._ns, self._seq) < (other._ns, other._seq)

    def __le__(self, other):
        return (self._ns, self._seq) <= (other._ns, other._seq)

    def __gt__(self, other):
        return (self._ns, self._seq) > (other._ns, other._seq)

    def __ge__(self, other):
        return (self._ns, self._seq) >= (other._ns, other._seq)

    # TimerHandle's __eq__ and __hash__ are kept: identity questions are not ordering questions.
    __hash__ = events.TimerHandle.__hash__


class _JumpingSelector:
    """Stands in for the selector: there is no I/O, and waiting means moving the clock."""

    def __init__(self, loop):
        self._loop = loop

    def select(self, timeout=None):
        loop = self._loop
        if timeout is None:
            raise Deadlock("nothing is ready and no timer is pending: the program can never continue")
        if timeout > 0:
            # _run_once asks to wait until the first live timer; jump exactly to its deadline.
            head = loop._scheduled[0]
            if head._ns > loop._now_ns:
                loop._now_ns = head._ns
        return []

    def close(self):
        pass


class VirtualTimeLoop(asyncio.BaseEventLoop):
    """An event loop whose ``time()`` is virtual; see the module documentation."""

    def __init__(self):
        super().__init__()
        self._now_ns = 0
        self._timer_seq = 0
        self._selector = _JumpingSelector(self)

    def time(self):
        return self._now_ns / 1e9

    def call_at(self, when, callback, *args, context=None):
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        ns = round(when * 1e9)
        self._timer_seq += 1
        timer = _SequencedTimerHandle(ns, self._timer_seq, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    # No I/O: BaseEventLoop's hooks for the selector and the self-pipe have nothing to do.
    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass
