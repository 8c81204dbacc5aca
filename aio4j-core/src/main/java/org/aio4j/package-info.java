/**
 * aio4j's user API: Python's asyncio in Java case. Start at {@link org.aio4j.Aio} ({@code run},
 * {@code async}, {@code await}, {@code createTask}, {@code gather}, {@code sleep}, timeouts, task
 * groups), with {@link org.aio4j.EventLoop}, {@link org.aio4j.Future}, {@link org.aio4j.Task} and
 * {@link org.aio4j.Coro} underneath.
 *
 * <h2>The kernel, and its contract</h2>
 * The same package holds the kernel, package-private: the tick ({@code EventLoop}, asyncio's
 * {@code _run_once}), the timer queue ({@code TimerQueue}), the selector and inbox ({@code Poller}),
 * the strand SPI ({@code Strand}, {@code Strands}: how a task's code suspends), and the state of tasks
 * and futures. The rules, for whoever changes it:
 * <ul>
 *   <li><b>Layers.</b> No kernel class calls up into {@code Aio}, {@code TaskGroup}, {@code Timeout},
 *       {@code Waiting} or {@code GatheringFuture}; those (the user API) and the packages
 *       {@code org.aio4j.lowlevel} (the public low-level API) and {@code org.aio4j.sync} sit on top.
 *       {@code org.aio4j.sync} and anything built later (sockets) use {@code org.aio4j.lowlevel}
 *       and the public types only, as a user's own primitive would.</li>
 *   <li><b>Threads.</b> Everything is loop-thread only (a task's virtual thread, carried by the loop
 *       thread, counts as the loop thread), except the named entry points:
 *       {@code EventLoop.callSoonThreadsafe}, {@code stop}, {@code time}, {@code isRunning},
 *       {@code isClosed}; inside the kernel, {@code Poller.post}/{@code wakeup} and
 *       {@code EventLoop.enqueue} called by a strand that comes back from a blocking JDK call. Every
 *       cross-thread hand-over goes through the inbox. Public loop-confined methods check the thread
 *       ({@link WrongThreadException}).</li>
 *   <li><b>Strands.</b> The loop sees a strand only through {@code EventLoop.enqueue(step, front)};
 *       a task only through {@code Strand}'s start / wake / suspend / yieldOnce /
 *       interruptIfBlocked. A new suspension mechanism is a new {@code Strand} subclass in
 *       {@code Strands}.</li>
 *   <li><b>Waiting.</b> A task waits in one of two ways: it awaits a {@code Future} (woken by the
 *       future's completion, as asyncio's {@code Task.__wakeup}), or it parks on a {@code Waker}
 *       with an abort hook ({@code Task.park}, under {@code Lowlevel.park}). Timed waits are a park
 *       plus one timer at a {@link org.aio4j.lowlevel.Deadline}; there is no other timeout
 *       machinery.</li>
 *   <li><b>Order.</b> One iteration: inbox, select (computed timeout), due timers, exactly the ready
 *       batch (see {@link org.aio4j.EventLoop}). Done callbacks never run inline.</li>
 * </ul>
 */
package org.aio4j;
