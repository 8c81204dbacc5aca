package org.aio4j.sync;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Smallest first: asyncio's {@code PriorityQueue}, a binary min-heap. Items that compare equal come
 * out in the order they were put (first in, first out).
 */
final class PriorityStorage<E> extends QueueStorage<E> {
    /*
     * An array heap like heapq, with two refinements.
     *
     * Stable. Each slot carries the sequence number of its put, and the heap orders by (item,
     * sequence): equal items leave in FIFO order instead of heapq's unspecified one, so a comparator
     * only has to compare priorities (Python's docs make you add a counter to the tuple for that).
     * A long sequence cannot wrap in practice (2^63 puts).
     *
     * Failure-atomic. The ordering is user code (a Comparator, or compareTo of the items), and it may
     * throw (ClassCastException for items that cannot be compared with each other). heapq moves items
     * while it compares, so a comparison that fails half-way leaves the heap changed (heappush leaves
     * the new item in the list). Here add and remove first walk the heap comparing only, recording
     * where the item goes, and move items afterwards, when no user code is left to run: a failing
     * comparison leaves the heap exactly as it was.
     */

    /** How deep a heap of at most Integer.MAX_VALUE items can be: the walk of remove() records its path. */
    private static final int MAX_DEPTH = 32;

    /** The ordering, or {@code null} for the items' natural ordering. */
    private final Comparator<? super E> comparator;
    private Object[] items = new Object[8];
    private long[] seqs = new long[8];
    private final int[] path = new int[MAX_DEPTH];
    private int size;
    private long nextSeq;

    PriorityStorage(Comparator<? super E> comparator) {
        this.comparator = comparator;
    }

    @Override
    String kind() {
        return "PriorityQueue";
    }

    @Override
    int size() {
        return size;
    }

    @Override
    void check(E item) {
        if (comparator == null && !(item instanceof Comparable)) {
            throw new ClassCastException("a priority queue with natural ordering needs Comparable items, and "
                    + item.getClass().getName() + " is not Comparable; implement Comparable, or create the queue"
                    + " with Queue.priority(maxsize, comparator)");
        }
    }

    @Override
    void add(E item) {
        if (size == items.length) {
            grow();
        }
        long seq = nextSeq;
        // Compare only: find the slot on the path from the new leaf up to the root.
        int k = size;
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            if (!before(item, seq, parent)) {
                break;
            }
            k = parent;
        }
        // Move: the ancestors between the slot and the leaf go one level down.
        for (int hole = size; hole != k; ) {
            int parent = (hole - 1) >>> 1;
            items[hole] = items[parent];
            seqs[hole] = seqs[parent];
            hole = parent;
        }
        items[k] = item;
        seqs[k] = seq;
        size++;
        nextSeq++;
    }

    @Override
    E remove() {
        @SuppressWarnings("unchecked")
        E top = (E) items[0];
        int n = size - 1;
        if (n > 0) {
            @SuppressWarnings("unchecked")
            E last = (E) items[n];
            long lastSeq = seqs[n];
            // Compare only: walk down from the root along the smaller child while it goes before
            // the last leaf, which will fill the slot where the walk stops.
            int depth = 0;
            int k = 0;
            while (true) {
                int child = 2 * k + 1;
                if (child >= n) {
                    break;
                }
                int right = child + 1;
                if (right < n && before(at(right), seqs[right], child)) {
                    child = right;
                }
                if (!before(at(child), seqs[child], last, lastSeq)) {
                    break;
                }
                path[depth++] = child;
                k = child;
            }
            // Move: each child on the path goes one level up, the last leaf into the final hole.
            int hole = 0;
            for (int i = 0; i < depth; i++) {
                int child = path[i];
                items[hole] = items[child];
                seqs[hole] = seqs[child];
                hole = child;
            }
            items[hole] = last;
            seqs[hole] = lastSeq;
        }
        items[n] = null;
        size = n;
        return top;
    }

    @Override
    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private E at(int i) {
        return (E) items[i];
    }

    /** Whether {@code (a, aSeq)} goes before the item in slot {@code i}. */
    private boolean before(E a, long aSeq, int i) {
        return before(a, aSeq, at(i), seqs[i]);
    }

    private boolean before(E a, long aSeq, E b, long bSeq) {
        int c = compare(a, b);
        return c < 0 || (c == 0 && aSeq < bSeq);
    }

    @SuppressWarnings("unchecked")
    private int compare(E a, E b) {
        if (comparator != null) {
            return comparator.compare(a, b);
        }
        try {
            return ((Comparable<Object>) a).compareTo(b);
        } catch (ClassCastException e) {
            ClassCastException clear = new ClassCastException("a priority queue with natural ordering cannot"
                    + " compare " + a.getClass().getName() + " with " + b.getClass().getName() + " (Python: '<'"
                    + " not supported); put mutually comparable items, or give Queue.priority a comparator");
            clear.initCause(e);
            throw clear;
        }
    }

    private void grow() {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8L, items.length * 2L);
        if (capacity <= items.length) {
            throw new OutOfMemoryError("a priority queue cannot hold more than " + items.length + " items");
        }
        items = Arrays.copyOf(items, capacity);
        seqs = Arrays.copyOf(seqs, capacity);
    }
}
