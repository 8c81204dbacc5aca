package org.aio4j;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The loop's pending tasks: the strong references that keep a task nobody else holds alive until it
 * ends (asyncio keeps only weak ones). An intrusive doubly linked list through {@link Task}'s own
 * fields: adding and removing cost no allocation. Loop thread only.
 */
final class TaskRegistry {
    private Task<?> head;
    private Task<?> tail;
    private int size;

    void add(Task<?> t) {
        t.prevPending = tail;
        if (tail == null) {
            head = t;
        } else {
            tail.nextPending = t;
        }
        tail = t;
        size++;
    }

    void remove(Task<?> t) {
        Task<?> p = t.prevPending;
        Task<?> n = t.nextPending;
        if (p == null) {
            head = n;
        } else {
            p.nextPending = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prevPending = p;
        }
        t.prevPending = null;
        t.nextPending = null;
        size--;
    }

    int size() {
        return size;
    }

    /** The pending tasks, in creation order (a snapshot). */
    Set<Task<?>> snapshot() {
        Set<Task<?>> all = new LinkedHashSet<>();
        forEach(all::add);
        return all;
    }

    void forEach(Consumer<Task<?>> action) {
        for (Task<?> t = head; t != null; t = t.nextPending) {
            action.accept(t);
        }
    }
}
