"""Transport scenarios on CPython's asyncio, both sides over loopback TCP.

Run as `python3 transports.py SCENARIO`; prints the scenario's trace, one event per line, in the
same vocabulary as TransportConformanceTest's aio4j side, so that the two traces can be compared.
Consecutive data callbacks are merged into one "data:<bytes>" event (how bytes are split into calls
is not meaningful).
"""
import asyncio
import sys


class Tracing(asyncio.Protocol):
    """Records callbacks as trace events, prefixed with the side's name."""

    def __init__(self, trace, side):
        self.trace = trace
        self.side = side
        self.transport = None
        self.data = b""
        self.lost = asyncio.get_running_loop().create_future()

    def _flush(self):
        if self.data:
            self.trace.append(f"{self.side}:data:{self.data.decode('latin-1')}")
            self.data = b""

    def connection_made(self, transport):
        self.transport = transport
        self.trace.append(f"{self.side}:made")

    def data_received(self, data):
        self.data += data

    def eof_received(self):
        self._flush()
        self.trace.append(f"{self.side}:eof")
        return False

    def connection_lost(self, exc):
        self._flush()
        self.trace.append(f"{self.side}:lost:{'None' if exc is None else type(exc).__name__}")
        if not self.lost.done():
            self.lost.set_result(None)


async def serve(factory):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def read_all(reader):
    return await asyncio.wait_for(reader.read(-1), 10)


async def callback_order(trace):
    protos = []

    def make():
        p = Tracing(trace, "server")
        protos.append(p)
        return p

    server, port = await serve(make)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"hello")
    writer.write(b" world")
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(asyncio.shield(_first_lost(protos)), 10)
    server.close()


async def _first_lost(protos):
    while not protos:
        await asyncio.sleep(0.001)
    await protos[0].lost


async def eof_keeps_open(trace):
    protos = []

    class KeepOpen(Tracing):
        def eof_received(self):
            super().eof_received()
            self.transport.write(b"late reply")
            self.trace.append(f"server:closing:{self.transport.is_closing()}")
            self.transport.close()
            return True

    def make():
        p = KeepOpen(trace, "server")
        protos.append(p)
        return p

    server, port = await serve(make)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"q")
    writer.write_eof()
    got = await read_all(reader)
    await asyncio.wait_for(_first_lost(protos), 10)
    trace.append(f"client:received:{got.decode('latin-1')}")
    trace.append(f"client:eof:{reader.at_eof()}")
    writer.close()
    server.close()


async def close_with_queued_data(trace):
    size = 4 << 20
    protos = []

    class Sender(Tracing):
        def connection_made(self, transport):
            super().connection_made(transport)
            transport.write(b"x" * size)
            self.trace.append(f"server:queued:{transport.get_write_buffer_size() > 0}")
            transport.close()
            self.trace.append(f"server:closing:{transport.is_closing()}")

    def make():
        p = Sender(trace, "server")
        protos.append(p)
        return p

    server, port = await serve(make)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.sleep(0.05)  # the server's queue stays queued while the client does not read
    got = await read_all(reader)
    await asyncio.wait_for(_first_lost(protos), 10)
    trace.append(f"client:received:{len(got)}")
    trace.append(f"client:eof:{reader.at_eof()}")
    writer.close()
    server.close()


async def write_after_write_eof(trace):
    server, port = await serve(lambda: Tracing([], "server"))
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_connection(lambda: Tracing(trace, "client"), "127.0.0.1", port)
    trace.append(f"client:can_write_eof:{transport.can_write_eof()}")
    transport.write_eof()
    try:
        transport.write(b"x")
        trace.append("client:write:accepted")
    except RuntimeError:
        trace.append("client:write:raised")
    transport.close()
    await asyncio.wait_for(proto.lost, 10)
    server.close()


async def wait_closed_with_a_client(trace):
    server, port = await serve(lambda: Tracing([], "server"))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.sleep(0.05)  # accepted
    server.close()
    waiting = asyncio.ensure_future(server.wait_closed())
    await asyncio.sleep(0.1)
    trace.append(f"wait_closed:done_while_client_connected:{waiting.done()}")
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(waiting, 10)
    trace.append("wait_closed:done_after_client_left:True")


async def pause_reading_in_connection_made(trace):
    loop = asyncio.get_running_loop()
    protos = []

    class Paused(Tracing):
        def connection_made(self, transport):
            super().connection_made(transport)
            transport.pause_reading()
            self.trace.append(f"server:reading:{transport.is_reading()}")
            loop.call_later(0.1, self.resume)

        def data_received(self, data):
            if not self.data:
                self.trace.append("server:first_data")
            super().data_received(data)

        def resume(self):
            self.trace.append("server:resume")
            self.transport.resume_reading()

    def make():
        p = Paused(trace, "server")
        protos.append(p)
        return p

    server, port = await serve(make)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"abc")
    await writer.drain()
    await asyncio.sleep(0.2)
    writer.close()
    await asyncio.wait_for(_first_lost(protos), 10)
    server.close()


SCENARIOS = {f.__name__: f for f in (callback_order, eof_keeps_open, close_with_queued_data,
                                      write_after_write_eof, wait_closed_with_a_client,
                                      pause_reading_in_connection_made)}


def main():
    if sys.argv[1] == "version":
        print(f"{sys.version_info.major}.{sys.version_info.minor}")
        return
    trace = []
    asyncio.run(SCENARIOS[sys.argv[1]](trace))
    for event in trace:
        print(event)


if __name__ == "__main__":
    main()
