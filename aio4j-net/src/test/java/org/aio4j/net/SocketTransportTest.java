package org.aio4j.net;

import static org.aio4j.net.NetTesting.captureReports;
import static org.aio4j.net.NetTesting.connect;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.pattern;
import static org.aio4j.net.NetTesting.run;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.ExceptionContext;
import org.aio4j.net.NetTesting.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * {@link SocketTransport} on real loopback TCP connections: callback order, reading (plain and
 * buffered), the write path and its flow control, half-close, closing and aborting, faults.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketTransportTest {

    /** Enough to fill the loopback socket buffers of both ends many times over. */
    private static final int BIG = 4 * 1024 * 1024;

    // ================================================================ reading and callback order

    @Test
    void callbacksRunInOrderMadeDataEofLostEachOnce() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            p.peer().send("hello");
            until("data", () -> p.protocol().data.size() == 5);
            p.peer().send(" world");
            p.peer().shutdownOutput();
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "data", "eof", "lost");
            assertThat(p.protocol().text()).isEqualTo("hello world");
            assertThat(p.protocol().lostWith).isNull();
            assertThat(p.peer().readToEof()).isEmpty(); // eofReceived returned false: the transport closed
        });
    }

    @Test
    void bufferedProtocolReadsIntoItsOwnBuffer() {
        run(() -> {
            List<Integer> hints = new ArrayList<>();
            ByteBuffer small = ByteBuffer.allocate(7);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            List<String> events = new ArrayList<>();
            BufferedProtocol bp = new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    hints.add(sizeHint);
                    small.clear();
                    return small;
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    assertThat(small.position()).isEqualTo(nbytes);
                    got.write(small.array(), 0, nbytes);
                }

                @Override
                public boolean eofReceived() {
                    events.add("eof");
                    return false;
                }

                @Override
                public void connectionLost(Exception exc) {
                    events.add("lost");
                }
            };
            Pair<BufferedProtocol> p = connect(() -> bp);
            byte[] msg = pattern(1000);
            p.peer().send(msg);
            p.peer().shutdownOutput();
            until("lost", () -> events.contains("lost"));
            assertThat(got.toByteArray()).isEqualTo(msg);
            assertThat(hints).allMatch(h -> h == -1).hasSizeGreaterThanOrEqualTo(1000 / 7);
            assertThat(events).containsExactly("eof", "lost");
        });
    }

    @Test
    void bufferedProtocolReturningAFullBufferIsReportedAndAborts() {
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            Exception[] lostWith = new Exception[1];
            boolean[] lost = new boolean[1];
            Pair<BufferedProtocol> p = connect(() -> new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return ByteBuffer.allocate(0);
                }

                @Override
                public void bufferUpdated(int nbytes) {
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost[0] = true;
                    lostWith[0] = exc;
                }
            });
            p.peer().send("x");
            until("lost", () -> lost[0]);
            assertThat(lostWith[0]).isInstanceOf(IllegalStateException.class).hasMessageContaining("no room");
            assertThat(reports).hasSize(1);
        });
    }

    @Test
    void pauseReadingFromConnectionMadeSticksAndIsIdempotent() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onMade = Transport::pauseReading;
                return r;
            });
            Transport t = p.transport();
            p.peer().send("queued while paused");
            idle(0.1);
            assertThat(p.protocol().data.size()).isZero();
            assertThat(t.isReading()).isFalse();
            t.pauseReading(); // again: no error, still paused
            idle(0.05);
            assertThat(p.protocol().data.size()).isZero();
            t.resumeReading();
            t.resumeReading();
            assertThat(t.isReading()).isTrue();
            until("data after resume", () -> p.protocol().text().equals("queued while paused"));
            t.close();
            until("lost", () -> p.protocol().isLost());
        });
    }

    // ================================================================ writing

    @Test
    void writeGoesStraightToTheSocketWhenItTakesEverything() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.write("abc".getBytes());
            assertThat(t.getWriteBufferSize()).isZero();
            t.write("0123456789".getBytes(), 2, 3);
            t.write(ByteBuffer.wrap("-heap".getBytes()));
            ByteBuffer direct = ByteBuffer.allocateDirect(7).put("-direct".getBytes()).flip();
            t.write(direct);
            assertThat(direct.hasRemaining()).isFalse();
            t.writelines(List.of("-a".getBytes(), "-b".getBytes()));
            assertThat(p.peer().readUntil(22)).asString().isEqualTo("abc234-heap-direct-a-b");
            t.close();
        });
    }

    @Test
    void writeQueuesWhatTheSocketDoesNotTakeAndDeliversItByteExact() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            byte[] data = pattern(BIG);
            t.write(data);
            long queued = t.getWriteBufferSize();
            assertThat(queued).isPositive().isLessThan(BIG);
            java.util.Arrays.fill(data, (byte) 0); // the transport copied what it queued
            byte[] got = p.peer().readUntil(BIG);
            assertThat(got).isEqualTo(pattern(BIG));
            until("queue drained", () -> t.getWriteBufferSize() == 0);
            t.close();
        });
    }

    @Test
    void largeWritesToASlowReaderArriveByteExact() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            byte[] data = pattern(BIG);
            // many writes of odd sizes, some landing on a non-empty queue, one heap and one direct buffer
            int off = 0;
            int step = 1;
            while (off < BIG) {
                int n = Math.min(step, BIG - off);
                if (step % 3 == 0) {
                    t.write(ByteBuffer.allocateDirect(n).put(data, off, n).flip());
                } else if (step % 3 == 1) {
                    t.write(ByteBuffer.wrap(data, off, n));
                } else {
                    t.write(data, off, n);
                }
                off += n;
                step = step * 3 + 7;
            }
            t.writeEof();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(10_000); // a slow reader: small reads, a pause now and then
            int reads = 0;
            double end = org.aio4j.Aio.runningLoop().time() + NetTesting.PATIENCE;
            while (org.aio4j.Aio.runningLoop().time() < end) {
                b.clear();
                int n = p.peer().channel.read(b);
                if (n < 0) {
                    break;
                }
                got.write(b.array(), 0, n);
                if (n == 0 || ++reads % 50 == 0) {
                    org.aio4j.Aio.sleep(0.001);
                }
            }
            assertThat(got.size()).isEqualTo(BIG);
            assertThat(got.toByteArray()).isEqualTo(data);
            t.close();
        });
    }

    @Test
    void pauseAndResumeWritingStrictlyAlternateAtTheWatermarks() {
        run(() -> {
            byte[] chunk = new byte[16 * 1024];
            List<long[]> sizesAtEvents = new ArrayList<>();
            Recorder[] self = new Recorder[1];
            boolean[] paused = new boolean[1];
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                self[0] = r;
                Runnable writeUntilPaused = () -> {
                    while (!paused[0] && r.events.stream().filter("pause"::equals).count() < 3) {
                        r.transport.write(chunk);
                    }
                };
                r.onMade = t -> {
                    t.setWriteBufferLimits(128 * 1024, 32 * 1024);
                    writeUntilPaused.run();
                };
                r.onPause = () -> {
                    paused[0] = true;
                    sizesAtEvents.add(new long[] {1, r.transport.getWriteBufferSize()});
                };
                r.onResume = () -> {
                    paused[0] = false;
                    sizesAtEvents.add(new long[] {0, r.transport.getWriteBufferSize()});
                    writeUntilPaused.run();
                };
                return r;
            });
            Transport t = p.transport();
            until("paused", () -> paused[0]);
            long size = t.getWriteBufferSize();
            idle(0.1); // the peer never reads: the protocol stopped writing, the buffer stopped growing
            assertThat(t.getWriteBufferSize()).isEqualTo(size);
            assertThat(size).isGreaterThan(128 * 1024);
            until("three pauses", () -> {
                p.peer().poll();
                return p.protocol().events.stream().filter("pause"::equals).count() == 3 && t.getWriteBufferSize() == 0;
            });
            List<String> flow = p.protocol().events.stream().filter(e -> e.equals("pause") || e.equals("resume")).toList();
            assertThat(flow).containsExactly("pause", "resume", "pause", "resume", "pause", "resume");
            for (long[] e : sizesAtEvents) {
                if (e[0] == 1) {
                    assertThat(e[1]).isGreaterThan(128 * 1024);
                } else {
                    assertThat(e[1]).isLessThanOrEqualTo(32 * 1024);
                }
            }
            t.close();
        });
    }

    @Test
    void setWriteBufferLimitsRejectsLowAboveHighOrNegativeAndKeepsTheOldLimits() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            assertThat(t.getWriteBufferLimits()).isEqualTo(new WriteBufferLimits(64 * 1024, 16 * 1024));
            assertThatThrownBy(() -> t.setWriteBufferLimits(10, 20)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("high >= low >= 0");
            assertThatThrownBy(() -> t.setWriteBufferLimits(10, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> t.setWriteBufferLimits(null)).isInstanceOf(NullPointerException.class);
            assertThat(t.getWriteBufferLimits()).isEqualTo(WriteBufferLimits.DEFAULT);
            assertThat(WriteBufferLimits.ofHigh(1000)).isEqualTo(new WriteBufferLimits(1000, 250));
            t.setWriteBufferLimits(0, 0);
            assertThat(t.getWriteBufferLimits()).isEqualTo(new WriteBufferLimits(0, 0));
            t.close();
        });
    }

    @Test
    void loweringTheLimitsBelowTheQueuePausesAtOnceAndRaisingThemResumes() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.setWriteBufferLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
            t.write(new byte[BIG]);
            assertThat(p.protocol().events).containsExactly("made");
            t.setWriteBufferLimits(1024, 0);
            assertThat(p.protocol().events).containsExactly("made", "pause");
            t.setWriteBufferLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(p.protocol().events).containsExactly("made", "pause", "resume");
            t.abort();
        });
    }

    // ================================================================ half-close

    @Test
    void writeEofWithQueuedDataSendsEverythingThenHalfClosesAndKeepsReading() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.write(pattern(BIG));
            assertThat(t.getWriteBufferSize()).isPositive();
            t.writeEof();
            t.writeEof(); // idempotent
            assertThat(t.isClosing()).isFalse();
            assertThat(p.peer().readToEof()).isEqualTo(pattern(BIG));
            p.peer().send("still reading");
            until("data after writeEof", () -> p.protocol().text().equals("still reading"));
            t.close();
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().lostWith).isNull();
        });
    }

    @Test
    void writeAfterWriteEofThrows() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            assertThat(t.canWriteEof()).isTrue();
            t.writeEof();
            assertThatThrownBy(() -> t.write("late".getBytes())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writeEof");
            assertThatThrownBy(() -> t.write(ByteBuffer.wrap("late".getBytes()))).isInstanceOf(IllegalStateException.class);
            assertThat(p.peer().readToEof()).isEmpty();
            t.close();
        });
    }

    @Test
    void eofReceivedReturningTrueKeepsTheConnectionHalfOpenForWriting() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.keepOpenOnEof = true;
                return r;
            });
            Transport t = p.transport();
            p.peer().send("question");
            p.peer().shutdownOutput();
            until("eof", () -> p.protocol().events.contains("eof"));
            idle(0.05); // EOF is delivered once, even though the channel stays readable
            assertThat(p.protocol().events).containsExactly("made", "data", "eof");
            assertThat(t.isClosing()).isFalse();
            t.write("answer".getBytes());
            assertThat(p.peer().readUntil(6)).asString().isEqualTo("answer");
            t.close();
            assertThat(p.peer().readToEof()).asString().isEqualTo("answer");
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().events).containsExactly("made", "data", "eof", "lost");
        });
    }

    // ================================================================ closing and aborting

    @Test
    void closeSendsTheQueuedDataBeforeClosing() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.write(pattern(BIG));
            t.close();
            t.close();
            assertThat(t.isClosing()).isTrue();
            assertThat(p.protocol().isLost()).isFalse();
            assertThat(p.peer().readToEof()).isEqualTo(pattern(BIG));
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().lostWith).isNull();
            assertThat(p.protocol().lost).isEqualTo(1);
        });
    }

    @Test
    void abortDropsTheQueuedData() {
        int before = OpenDescriptors.now();
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.write(pattern(BIG));
            t.abort();
            t.abort();
            t.close();
            assertThat(t.getWriteBufferSize()).isZero();
            assertThat(t.isClosing()).isTrue();
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().lostWith).isNull();
            byte[] got;
            try {
                got = p.peer().readToEof();
            } catch (IOException reset) {
                got = p.peer().received();
            }
            assertThat(got.length).isLessThan(BIG);
            assertThat(p.protocol().lost).isEqualTo(1);
            p.peer().close();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void writeAfterTheConnectionWasLostIsDroppedWithoutThrowing() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            t.abort();
            until("lost", () -> p.protocol().isLost());
            for (int i = 0; i < 10; i++) {
                t.write("dropped".getBytes());
                t.write(ByteBuffer.wrap("dropped".getBytes()));
            }
            t.writeEof(); // does nothing once closing
            assertThat(t.getWriteBufferSize()).isZero();
            assertThat(p.peer().readToEof()).isEmpty();
        });
    }

    // ================================================================ callbacks that close or throw

    @Test
    void closingFromInsideConnectionMadeLosesTheConnectionOnce() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onMade = Transport::close;
                return r;
            });
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "lost");
            assertThat(p.peer().readToEof()).isEmpty();
        });
    }

    @Test
    void closingFromInsideDataReceivedLosesTheConnectionOnce() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onData = d -> {
                    r.transport.write("bye".getBytes());
                    r.transport.close();
                    r.transport.abort();
                    r.transport.close();
                };
                return r;
            });
            p.peer().send("hi");
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "data", "lost");
        });
    }

    @Test
    void closingFromInsideEofReceivedLosesTheConnectionOnce() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onEof = () -> r.transport.close();
                return r;
            });
            p.peer().shutdownOutput();
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "eof", "lost");
        });
    }

    @Test
    void closingFromInsideResumeWritingLosesTheConnectionOnce() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onResume = () -> {
                    r.transport.close();
                    r.transport.abort();
                };
                return r;
            });
            p.transport().write(pattern(BIG));
            assertThat(p.protocol().events).containsExactly("made", "pause");
            p.peer().readUntil(BIG);
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "pause", "resume", "lost");
        });
    }

    @Test
    void dataWrittenFromResumeWritingWhileClosingIsStillSent() {
        run(() -> {
            byte[] tail = pattern(2 * BIG); // more than the socket takes at once: part of it is queued
            long[] queuedAfterTail = new long[1];
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onMade = t -> t.setWriteBufferLimits(64 * 1024, 0); // resume exactly when the queue is empty
                r.onResume = () -> {
                    if (r.events.stream().filter("resume"::equals).count() == 1) {
                        r.transport.write(tail);
                        queuedAfterTail[0] = r.transport.getWriteBufferSize();
                    }
                };
                return r;
            });
            Transport t = p.transport();
            t.write(pattern(BIG));
            t.close(); // closing with data queued: resumeWriting comes while the queue drains
            byte[] got = p.peer().readToEof();
            assertThat(p.protocol().events).contains("resume");
            assertThat(queuedAfterTail[0]).isPositive();
            assertThat(got.length).isEqualTo(BIG + tail.length);
            assertThat(java.util.Arrays.copyOfRange(got, BIG, got.length)).isEqualTo(tail);
        });
    }

    @Test
    void abortingFromInsidePauseWritingLosesTheConnectionOnce() {
        run(() -> {
            Pair<Recorder> p = connect(() -> {
                Recorder r = new Recorder();
                r.onPause = () -> r.transport.abort();
                return r;
            });
            p.transport().write(pattern(BIG));
            assertThat(p.transport().getWriteBufferSize()).isZero();
            until("lost", () -> p.protocol().isLost());
            idle(0.05);
            assertThat(p.protocol().events).containsExactly("made", "pause", "lost");
        });
    }

    @Test
    void aThrowingDataReceivedIsReportedAndAbortsOnlyItsConnection() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            IllegalStateException boom = new IllegalStateException("boom");
            Pair<Recorder> bad = connect(() -> {
                Recorder r = new Recorder();
                r.onData = d -> {
                    throw boom;
                };
                return r;
            });
            Pair<Recorder> good = connect(Recorder::new);
            bad.peer().send("x");
            until("bad lost", () -> bad.protocol().isLost());
            assertThat(bad.protocol().lostWith).isSameAs(boom);
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.exception()).isSameAs(boom);
                assertThat(r.message()).contains("dataReceived");
            });
            assertThat(bad.peer().readToEof()).isEmpty();
            good.peer().send("fine");
            until("good data", () -> good.protocol().text().equals("fine"));
            assertThat(good.transport().isClosing()).isFalse();
            good.transport().close();
            until("good lost", () -> good.protocol().isLost());
            bad.peer().close();
            good.peer().close();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aThrowingConnectionMadeFailsCreateConnectionAndClosesTheSocket() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            IllegalStateException boom = new IllegalStateException("made failed");
            Recorder[] r = new Recorder[1];
            assertThatThrownBy(() -> connect(() -> {
                r[0] = new Recorder();
                r[0].onMade = t -> {
                    throw boom;
                };
                return r[0];
            })).isSameAs(boom);
            until("lost", () -> r[0].isLost());
            assertThat(r[0].events).containsExactly("made", "lost");
            assertThat(r[0].lostWith).isSameAs(boom);
            assertThat(reports).singleElement().satisfies(c -> assertThat(c.exception()).isSameAs(boom));
        });
        OpenDescriptors.assertNoLeak(before);
    }

    // ================================================================ extra info, faults

    @Test
    void extraInfoNamesBothEndsAndTheSocket() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Transport t = p.transport();
            assertThat(t.getExtraInfo("peername")).isEqualTo(p.peer().channel.getLocalAddress());
            assertThat(t.getExtraInfo("sockname")).isEqualTo(p.peer().channel.getRemoteAddress());
            assertThat(t.getExtraInfo("socket")).isInstanceOf(SocketChannel.class);
            assertThat(((InetSocketAddress) t.getExtraInfo("sockname")).getAddress().isLoopbackAddress()).isTrue();
            assertThat(t.getExtraInfo("nosuch")).isNull();
            assertThat(t.getExtraInfo("nosuch", "fallback")).isEqualTo("fallback");
            assertThat(t.getProtocol()).isSameAs(p.protocol());
            assertThat(t.toString()).contains("open");
            t.close();
        });
    }

    @Test
    void setProtocolSwitchesTheReceiverOfLaterCallbacks() {
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            Recorder second = new Recorder();
            p.transport().setProtocol(second);
            assertThat(p.transport().getProtocol()).isSameAs(second);
            assertThatThrownBy(() -> p.transport().setProtocol(new BaseProtocol() { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("implement Protocol");
            p.peer().send("to the second");
            until("second data", () -> second.text().equals("to the second"));
            p.peer().close();
            until("second lost", () -> second.isLost());
            assertThat(p.protocol().events).containsExactly("made");
        });
    }

    @Test
    void aPeerResetWhileReadingLosesTheConnectionWithTheIOException() {
        int before = OpenDescriptors.now();
        run(() -> {
            Pair<Recorder> p = connect(Recorder::new);
            p.transport().pauseReading();
            p.peer().send("unread");
            p.peer().reset();
            idle(0.05);
            p.transport().resumeReading();
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().lostWith).isInstanceOf(IOException.class);
            assertThat(p.protocol().lost).isEqualTo(1);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aPeerResetWhileWritingLosesTheConnectionWithTheIOException() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            Pair<Recorder> p = connect(Recorder::new);
            p.transport().pauseReading(); // only the write path can notice
            p.transport().write(pattern(BIG));
            assertThat(p.transport().getWriteBufferSize()).isPositive();
            p.peer().reset();
            until("lost", () -> p.protocol().isLost());
            assertThat(p.protocol().lostWith).isInstanceOf(IOException.class);
            assertThat(p.transport().getWriteBufferSize()).isZero();
            assertThat(reports).isEmpty(); // a connection error is the protocol's news, not the loop's
        });
        OpenDescriptors.assertNoLeak(before);
    }
}
