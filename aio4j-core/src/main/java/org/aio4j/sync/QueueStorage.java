package org.aio4j.sync;

import java.util.ArrayDeque;

/**
 * Where a {@link Queue} keeps its items, and in which order it hands them out: the three hooks
 * ({@code _init}, {@code _put}, {@code _get}) that asyncio's {@code LifoQueue} and
 * {@code PriorityQueue} override, as a strategy object instead of subclasses, so that
 * {@link Queue} stays one final public type.
 *
 * <p>Contract for every implementation: {@link #add} and {@link #remove} either complete or throw
 * leaving the storage exactly as it was (only an ordering supplied by the user can throw, see
 * {@link PriorityStorage}); items are never null ({@link Queue} rejects them). Loop thread only,
 * like the queue.
 */
abstract sealed class QueueStorage<E> permits QueueStorage.Deque, PriorityStorage {

    /** The asyncio class this storage stands for, for {@code toString}: "Queue", "LifoQueue", ... */
    abstract String kind();

    abstract int size();

    /**
     * Rejects an item this storage could never hold, before the queue waits for room; nothing by
     * default.
     */
    void check(E item) {
    }

    /** Adds {@code item}, which passed {@link #check}; on an exception nothing changed. */
    abstract void add(E item);

    /** Removes and returns the next item; the storage is not empty. On an exception nothing changed. */
    abstract E remove();

    /** Drops every item (an immediate shutdown). */
    abstract void clear();

    /**
     * First in, first out (asyncio's {@code Queue}) or last in, first out ({@code LifoQueue}) on a
     * growable ring ({@link ArrayDeque}): the two differ only in the end {@link #remove} takes from.
     */
    static final class Deque<E> extends QueueStorage<E> {
        private final ArrayDeque<E> items = new ArrayDeque<>();
        private final boolean lifo;

        Deque(boolean lifo) {
            this.lifo = lifo;
        }

        @Override
        String kind() {
            return lifo ? "LifoQueue" : "Queue";
        }

        @Override
        int size() {
            return items.size();
        }

        @Override
        void add(E item) {
            items.addLast(item);
        }

        @Override
        E remove() {
            return lifo ? items.removeLast() : items.removeFirst();
        }

        @Override
        void clear() {
            items.clear();
        }
    }
}
