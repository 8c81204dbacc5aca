"""Datagram endpoint scenarios on CPython's asyncio, over loopback UDP.

Run as `python3 datagrams.py SCENARIO`; prints the scenario's trace, one event per line, in the
same vocabulary as DatagramConformanceTest's aio4j side, so that the two traces can be compared.
Errors are named by what they mean ("refused", "invalid-address"), not by their class, which
differs between the languages.
"""
import asyncio
import socket
import sys


class Tracing(asyncio.DatagramProtocol):
    def __init__(self, trace, side, echo=False):
        self.trace = trace
        self.side = side
        self.echo = echo
        self.transport = None
        self.got = 0
        self.lost = asyncio.get_running_loop().create_future()
        self.error = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        self.trace.append(f"{self.side}:made")

    def datagram_received(self, data, addr):
        self.trace.append(f"{self.side}:got:{data.decode('latin-1')}")
        self.got += 1
        if self.echo:
            self.transport.sendto(data, addr)

    def error_received(self, exc):
        name = "refused" if isinstance(exc, ConnectionRefusedError) else type(exc).__name__
        self.trace.append(f"{self.side}:error:{name}")
        if not self.error.done():
            self.error.set_result(None)

    def connection_lost(self, exc):
        self.trace.append(f"{self.side}:lost:{'None' if exc is None else type(exc).__name__}")
        if not self.lost.done():
            self.lost.set_result(None)


async def until(cond):
    for _ in range(1000):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


def dead_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def echo(trace):
    loop = asyncio.get_running_loop()
    st, server = await loop.create_datagram_endpoint(lambda: Tracing(trace, "server", echo=True),
                                                     local_addr=("127.0.0.1", 0))
    at = st.get_extra_info("sockname")
    ct, client = await loop.create_datagram_endpoint(lambda: Tracing(trace, "client"), remote_addr=at)
    for i, d in enumerate((b"a", b"bb", b"ccc")):
        ct.sendto(d)
        await until(lambda: client.got == i + 1)
    ct.close()
    await client.lost
    st.close()
    await server.lost


async def port_unreachable(trace):
    loop = asyncio.get_running_loop()
    ct, client = await loop.create_datagram_endpoint(lambda: Tracing(trace, "client"),
                                                     remote_addr=("127.0.0.1", dead_port()))
    ct.sendto(b"x")
    await asyncio.wait_for(client.error, 10)
    trace.append(f"client:closing:{ct.is_closing()}")
    ct.close()
    await client.lost


async def wrong_address(trace):
    loop = asyncio.get_running_loop()
    st, server = await loop.create_datagram_endpoint(lambda: Tracing(trace, "server"),
                                                     local_addr=("127.0.0.1", 0))
    at = st.get_extra_info("sockname")
    ct, client = await loop.create_datagram_endpoint(lambda: Tracing(trace, "client"), remote_addr=at)
    try:
        ct.sendto(b"x", ("127.0.0.1", at[1] + 1 if at[1] < 65535 else at[1] - 1))
        trace.append("client:sent")
    except ValueError:
        trace.append("client:raises:invalid-address")
    ct.sendto(b"ok", at)
    await until(lambda: server.got == 1)
    trace.append(f"client:closing:{ct.is_closing()}")
    ct.close()
    await client.lost
    st.close()
    await server.lost


async def unconnected_without_address(trace):
    loop = asyncio.get_running_loop()
    ut, u = await loop.create_datagram_endpoint(lambda: Tracing(trace, "client"), local_addr=("127.0.0.1", 0))
    try:
        ut.sendto(b"x")
        trace.append("client:returned")
    except (TypeError, ValueError):
        trace.append("client:raises:needs-address")
    await asyncio.sleep(0.05)
    trace.append(f"client:closing:{ut.is_closing()}")
    ut.close()
    await u.lost


async def empty_datagram(trace):
    loop = asyncio.get_running_loop()
    st, server = await loop.create_datagram_endpoint(lambda: Tracing(trace, "server"), local_addr=("127.0.0.1", 0))
    at = st.get_extra_info("sockname")
    ut, u = await loop.create_datagram_endpoint(lambda: Tracing(trace, "client"), local_addr=("127.0.0.1", 0))
    ut.sendto(b"", at)
    ut.sendto(b"end", at)
    await until(lambda: server.got >= 1 and trace[-1] == "server:got:end")
    ut.close()
    await u.lost
    st.close()
    await server.lost


SCENARIOS = {f.__name__: f for f in (echo, port_unreachable, wrong_address, unconnected_without_address,
                                      empty_datagram)}


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
