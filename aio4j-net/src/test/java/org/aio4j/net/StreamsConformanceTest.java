package org.aio4j.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same {@code feed_data} scenarios run by CPython's {@code asyncio.StreamReader} (in a
 * {@code python3} child process) and by {@link StreamReader}; their transcripts must match line for
 * line: the value or error of each operation and the bytes left buffered after it. Skipped when
 * {@code python3} is not installed.
 *
 * <p>A scenario is one line: {@code limit|op;op;...}, each op one of {@code feed:HEX}, {@code eof},
 * {@code readline}, {@code readuntil:HEX}, {@code readexactly:N}, {@code read:N}. The transcript
 * prints, per op, {@code ok <bytes repr>} or the error ({@code readline}'s ValueError and aio4j's
 * LimitOverrunError from readline both as {@code overrun-readline}), then {@code buf <n>}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsConformanceTest {

    private static final String PYTHON = """
            import asyncio, sys
            async def run(line):
                limit, ops = line.split('|', 1)
                r = asyncio.StreamReader(limit=int(limit))
                out = []
                for op in ops.split(';'):
                    name, _, arg = op.partition(':')
                    try:
                        if name == 'feed':
                            r.feed_data(bytes.fromhex(arg)); res = None
                        elif name == 'eof':
                            r.feed_eof(); res = None
                        elif name == 'readline':
                            res = await asyncio.wait_for(r.readline(), 1)
                        elif name == 'readuntil':
                            res = await asyncio.wait_for(r.readuntil(bytes.fromhex(arg)), 1)
                        elif name == 'readexactly':
                            res = await asyncio.wait_for(r.readexactly(int(arg)), 1)
                        elif name == 'read':
                            res = await asyncio.wait_for(r.read(int(arg)), 1)
                        out.append('ok' if res is None else 'ok ' + repr(res))
                    except asyncio.TimeoutError:
                        out.append('timeout')
                    except asyncio.IncompleteReadError as e:
                        out.append(f'incomplete partial={e.partial!r} expected={e.expected} msg={e}')
                    except asyncio.LimitOverrunError as e:
                        out.append(f'overrun consumed={e.consumed} msg={e}')
                    except ValueError as e:
                        out.append(f'overrun-readline msg={e}')
                    out.append(f'buf {len(r._buffer)}')
                return out
            async def main():
                for line in sys.stdin.read().splitlines():
                    print('--- ' + line)
                    for o in await run(line):
                        print(o)
            asyncio.run(main())
            """;

    // ================================================================ the scenarios

    @Test
    void readlineOverrunMatchesCpython() {
        assertSameAsCpython(List.of(
                scenario(5, feed("abcdefgh\nxyz\n"), "readline", "readline"),
                scenario(5, feed("abcdefgh"), "readline", feed("ij\nk\n"), "readline", "readline"),
                scenario(3, feed("abc\nabcd\nab"), "eof", "readline", "readline", "readline", "readline")));
    }

    @Test
    void readuntilOverrunLeavesTheDataAsCpython() {
        assertSameAsCpython(List.of(
                scenario(5, feed("abcdefgh|x"), until("|"), "readexactly:9", "eof", until("|")),
                scenario(5, feed("abcdefghij"), until("||")),
                scenario(4, feed("abcd||"), until("||"), feed("abcde||"), until("||"), "readexactly:7")));
    }

    @Test
    void incompleteReadsMatchCpython() {
        assertSameAsCpython(List.of(
                scenario(100, feed("abc"), "eof", "readexactly:5", "readexactly:1"),
                scenario(100, feed("abc\r"), "eof", until("\r\n")),
                scenario(2, feed("abc"), "eof", until("xyz"))));
    }

    @Test
    void readSizesMatchCpython() {
        assertSameAsCpython(List.of(
                scenario(4, feed("0123456789"), "read:3", "read:0", "readexactly:0", "eof", "read:-1", "read:5", "readline"),
                scenario(4, feed("a"), feed("bc\n"), "read:10", feed("de"), "eof", "readline", "read:1")));
    }

    // ================================================================ running both

    private static String feed(String data) {
        return "feed:" + HexFormat.of().formatHex(data.getBytes(ISO_8859_1));
    }

    private static String until(String sep) {
        return "readuntil:" + HexFormat.of().formatHex(sep.getBytes(ISO_8859_1));
    }

    private static String scenario(int limit, String... ops) {
        return limit + "|" + String.join(";", ops);
    }

    private static void assertSameAsCpython(List<String> scenarios) {
        List<String> python = runPython(scenarios);
        List<String> java = new ArrayList<>();
        for (String sc : scenarios) {
            java.add("--- " + sc);
            java.addAll(runJava(sc));
        }
        assertThat(java).containsExactlyElementsOf(python);
    }

    private static List<String> runPython(List<String> scenarios) {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", PYTHON).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not available: " + e.getMessage());
            throw new AssertionError(e);
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(String.join("\n", scenarios).getBytes(UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("python3 output:\n%s", out).isZero();
            return out.lines().toList();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("running python3 failed", e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> runJava(String line) {
        return Aio.run(Aio.async(() -> {
            String[] parts = line.split("\\|", 2);
            StreamReader r = new StreamReader(Integer.parseInt(parts[0]));
            List<String> out = new ArrayList<>();
            for (String op : parts[1].split(";")) {
                int colon = op.indexOf(':');
                String name = colon < 0 ? op : op.substring(0, colon);
                String arg = colon < 0 ? "" : op.substring(colon + 1);
                try {
                    byte[] res = Aio.timeout(1.0, () -> switch (name) {
                        case "feed" -> {
                            r.feedData(HexFormat.of().parseHex(arg));
                            yield null;
                        }
                        case "eof" -> {
                            r.feedEof();
                            yield null;
                        }
                        case "readline" -> r.readline();
                        case "readuntil" -> r.readuntil(HexFormat.of().parseHex(arg));
                        case "readexactly" -> r.readexactly(Integer.parseInt(arg));
                        case "read" -> r.read(Integer.parseInt(arg));
                        default -> throw new IllegalArgumentException(op);
                    });
                    out.add(res == null ? "ok" : "ok " + pyRepr(res));
                } catch (TimeoutError e) {
                    out.add("timeout");
                } catch (Exception caught) {
                    out.add(describe(name, caught));
                }
                out.add("buf " + r.size());
            }
            return out;
        }));
    }

    private static String describe(String name, Exception caught) throws Exception {
        if (caught instanceof IncompleteReadError e) {
            return "incomplete partial=" + pyRepr(e.partial()) + " expected="
                    + (e.expected() == IncompleteReadError.UNKNOWN ? "None" : String.valueOf(e.expected()))
                    + " msg=" + e.getMessage();
        }
        if (caught instanceof LimitOverrunError e) {
            return name.equals("readline") ? "overrun-readline msg=" + e.getMessage()
                    : "overrun consumed=" + e.consumed() + " msg=" + e.getMessage();
        }
        throw caught;
    }

    /** Python's repr of a bytes object (single-quoted; the scenarios contain no quotes). */
    static String pyRepr(byte[] bytes) {
        StringBuilder sb = new StringBuilder("b'");
        for (byte x : bytes) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }
}
