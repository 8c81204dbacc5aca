/**
 * The kernel's public low-level API, for building new primitives and I/O layers: parking with an
 * abort hook ({@link org.aio4j.lowlevel.Lowlevel#park}, {@link org.aio4j.lowlevel.Waker}), a FIFO
 * {@link org.aio4j.lowlevel.ParkingLot}, {@link org.aio4j.lowlevel.Deadline}s and the one timed wait
 * ({@link org.aio4j.lowlevel.Lowlevel#awaitUntil}), and channel readiness for coroutines
 * ({@link org.aio4j.lowlevel.Lowlevel#waitReadable}, {@link org.aio4j.lowlevel.Lowlevel#waitWritable})
 * next to the loop's callbacks ({@link org.aio4j.EventLoop#addReader}). {@code org.aio4j.sync} is
 * built on this package alone. Trio calls its equivalent {@code trio.lowlevel}.
 *
 * <p>Loop thread only, unless a method says otherwise. The guide is {@code docs/primitives.md}.
 */
package org.aio4j.lowlevel;
