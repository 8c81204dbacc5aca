package org.aio4j.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The continuation floor of figure 1: ping-pong between two bare virtual threads whose scheduler is
 * a single-thread executor run by the calling thread, with no aio4j code at all. It is the cheapest
 * switch aio4j's design (a task is a virtual thread scheduled by its loop) can reach: each switch is
 * exactly one {@code LockSupport.unpark}, one {@code LockSupport.park} and one run of the parked
 * thread's continuation, with nothing of a loop, a task or a future around it.
 *
 * <p>The threads are built like aio4j-core's loop-scheduled strands, with the JDK's package-private
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor, so the JVM needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (every JVM of the harness has it); without it
 * {@link #pingPong} throws {@link IllegalStateException}. Not thread-safe: each call is confined to
 * the thread that makes it.
 */
final class ContinuationFloor {
    /*
     * The scheduler is an ArrayDeque: the threads' execute() calls (start, and unpark of a parked
     * thread) append the thread's continuation runnable, and the calling thread polls and runs them
     * until the deque is empty. Everything therefore runs on one carrier thread, one continuation at
     * a time, so the deque and the players' fields need no synchronisation. (The JDK's park/unpark
     * also orders them: the flag is written before unpark, whose state change of the parked thread is
     * a volatile write that its resumption reads.)
     *
     * Handshake: one turn flag per player, set by the other player just before it unparks it, and
     * cleared by its owner when it takes the turn; a player parks until its flag is set (a spurious
     * return from park just parks again). The leader's round is "pass, then wait", the follower's
     * "wait, then pass", and the follower is started first, so that it is already parked when the
     * leader's first pass unparks it: no unpark ever finds a running or unstarted thread, every wait
     * parks, and the 2 * rounds passes resume the peer exactly 2 * rounds times (the follower's last
     * pass resumes the leader's last wait). A lost wake-up leaves a player parked with the deque
     * empty, which the caller reports rather than hangs on.
     *
     * The builder lookup below repeats the one in aio4j-core's Strands on purpose: that class is
     * package-private to the core, and the floor must not run any aio4j code.
     */

    /** {@code (Executor)Thread.Builder.OfVirtual}: the JDK's builder of virtual threads with a given scheduler, or null. */
    private static final MethodHandle BUILDER_CONSTRUCTOR;
    /** Why {@link #BUILDER_CONSTRUCTOR} is null, or null. */
    private static final Throwable LOOKUP_FAILURE;

    static {
        MethodHandle ctor = null;
        Throwable failure = null;
        try {
            Class<?> cls = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(cls, MethodHandles.lookup());
            ctor = lookup.findConstructor(cls, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = e;
        }
        BUILDER_CONSTRUCTOR = ctor;
        LOOKUP_FAILURE = failure;
    }

    private ContinuationFloor() {}

    /**
     * Plays {@code rounds} rounds of ping-pong (two switches each) between two virtual threads
     * scheduled by the calling thread, and returns the rounds the two players completed between
     * them ({@code 2 * rounds}: each player passes the turn once per round), checked.
     *
     * @throws IllegalStateException if this JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED},
     *     if the scheduler runs out of work while a player is still parked (a lost wake-up), or if
     *     the players did not complete {@code 2 * rounds} rounds between them
     */
    static int pingPong(int rounds) {
        ArrayDeque<Runnable> ready = new ArrayDeque<>();
        Thread.Builder.OfVirtual builder = builder(ready::addLast);
        Player leader = new Player(true, rounds);
        Player follower = new Player(false, rounds);
        leader.peer = follower;
        follower.peer = leader;
        follower.thread = builder.unstarted(follower);
        leader.thread = builder.unstarted(leader);
        follower.thread.start();
        leader.thread.start();
        for (Runnable next = ready.pollFirst(); next != null; next = ready.pollFirst()) {
            next.run();
        }
        if (leader.thread.isAlive() || follower.thread.isAlive()) {
            throw new IllegalStateException("ping-pong floor: the scheduler ran out of work after "
                    + (leader.played + follower.played) + " of " + 2 * rounds
                    + " player rounds while a player was still parked; the handshake lost a wake-up");
        }
        return Workload.checkCount("ping-pong floor", 2 * rounds, leader.played + follower.played);
    }

    private static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (BUILDER_CONSTRUCTOR == null) {
            throw new IllegalStateException("the continuation floor needs the JDK's virtual-thread builder with a"
                    + " scheduler; run the JVM with --add-opens java.base/java.lang=ALL-UNNAMED", LOOKUP_FAILURE);
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER_CONSTRUCTOR.invokeExact(scheduler);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build a virtual-thread builder with a scheduler", e);
        }
    }

    /** One of the two threads' bodies; its fields are touched only on the one carrier thread. */
    private static final class Player implements Runnable {
        private final boolean leads;
        private final int rounds;
        private Player peer;
        private Thread thread;
        /** Set by the peer just before it unparks this player; cleared by this player when it takes its turn. */
        private boolean myTurn;
        /** Rounds this player completed. */
        private int played;

        Player(boolean leads, int rounds) {
            this.leads = leads;
            this.rounds = rounds;
        }

        @Override
        public void run() {
            for (int i = 0; i < rounds; i++) {
                if (leads) {
                    pass();
                    awaitTurn();
                } else {
                    awaitTurn();
                    pass();
                }
                played++;
            }
        }

        private void pass() {
            peer.myTurn = true;
            LockSupport.unpark(peer.thread);
        }

        private void awaitTurn() {
            while (!myTurn) {
                LockSupport.park();
            }
            myTurn = false;
        }
    }
}
