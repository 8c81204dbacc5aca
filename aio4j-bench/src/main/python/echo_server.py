#!/usr/bin/env python3
"""asyncio and uvloop echo servers of the aio4j echo figure (BenchMain, EchoFigure.java).

Usage: python3 echo_server.py [--uvloop] [--streams | --protocol] [--host H] [--port P]
                              [--cert cert.pem --key key.pem] [--work-us W]

--protocol (default): an asyncio.Protocol whose data_received writes the data back with
transport.write(data). --streams: asyncio.start_server with a handler that reads up to 64 KiB,
writes it and awaits drain(), until EOF. --uvloop runs on uvloop's event loop instead of asyncio's
default one. --cert and --key serve TLS (the tls-echo figure, TlsEchoFigure.java): an
ssl.SSLContext(PROTOCOL_TLS_SERVER) with that chain, passed as ssl= to the server. Host 127.0.0.1 and port 8888 by default; port 0 picks a free one. Prints
"READY <port>" once listening and serves until killed (SIGTERM or SIGINT). --work-us W adds W
microseconds of CPU work per received chunk before the echo (the echo-group figure): a counted
loop calibrated at startup to take W us, as the Java servers' CpuWork.

Exit status 3 when --uvloop is given and uvloop cannot be imported (install python3-uvloop),
2 for bad arguments.
"""

import argparse
import asyncio
import signal
import ssl
import sys

READ_SIZE = 64 * 1024  # the same read size as aio4j's streams echo server
WORK_ITERATIONS = 0     # --work-us, calibrated by calibrate()


def spin(n):
    x = 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return x


def calibrate(micros):
    """The iteration count of spin() that takes `micros` us on an idle core (0 for no work)."""
    import time
    if micros <= 0:
        return 0
    best = None
    for _ in range(5):
        n = 20000
        start = time.perf_counter_ns()
        spin(n)
        per = (time.perf_counter_ns() - start) / n
        best = per if best is None else min(best, per)
    return max(1, round(micros * 1000 / best))


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        if WORK_ITERATIONS:
            spin(WORK_ITERATIONS)
        self.transport.write(data)


async def echo_streams(reader, writer):
    try:
        while True:
            data = await reader.read(READ_SIZE)
            if not data:
                break
            if WORK_ITERATIONS:
                spin(WORK_ITERATIONS)
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass  # the load client went away
    finally:
        writer.close()


async def serve(args):
    loop = asyncio.get_running_loop()
    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    if args.streams:
        server = await asyncio.start_server(echo_streams, args.host, args.port, ssl=context)
    else:
        server = await loop.create_server(EchoProtocol, args.host, args.port, ssl=context)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print("READY", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await stop


def main():
    parser = argparse.ArgumentParser(description="asyncio / uvloop echo server")
    parser.add_argument("--uvloop", action="store_true")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--streams", action="store_true")
    mode.add_argument("--protocol", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--work-us", type=float, default=0)
    args = parser.parse_args()
    global WORK_ITERATIONS
    WORK_ITERATIONS = calibrate(args.work_us)
    if args.uvloop:
        try:
            import uvloop
        except ImportError as e:
            print("echo_server.py: cannot import uvloop (%s): install python3-uvloop" % e, file=sys.stderr)
            sys.exit(3)
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(serve(args))
    else:
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
