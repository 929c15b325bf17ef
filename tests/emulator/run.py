#!/usr/bin/env python
"""Run the dbgov.cloud local cloud emulator until --lifetime expires or SIGTERM/SIGINT arrives.

    python tests/emulator/run.py [--host 127.0.0.1] [--port 0] [--port-file F] [--lifetime 1800] [--service-ports] [--exports]

Prints (or writes to --port-file, atomically) one JSON line: {"url", "port", "service_ports", "pid"}.
With --exports (`make emulator`) it prints instead the environment variables that point the collection at it.
"""

import argparse
import json
import os
import signal
import sys
import threading


def parse_args(argv):
    parser = argparse.ArgumentParser(description='dbgov.cloud local cloud emulator (Huawei Cloud and Alibaba Cloud APIs on loopback)')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='main port, 0 picks a free one (default 0)')
    parser.add_argument('--port-file', help='write the port JSON document here instead of printing it')
    parser.add_argument('--lifetime', type=float, default=1800, help='exit after this many seconds (default 1800)')
    parser.add_argument('--service-ports', action='store_true', help='also listen on one port per service, without path prefix')
    parser.add_argument('--exports', action='store_true',
                        help='print the shell exports that point the collection at this emulator instead of the JSON line')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # Imported here: when run as a script, sys.path is set up first.
    from emulator.core import EmulatorServer  # pylint: disable=import-outside-toplevel

    try:
        server = EmulatorServer(host=args.host, port=args.port, service_ports=args.service_ports).start()
    except OSError as exc:
        sys.stderr.write(f'emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc} '
                         '(is another local cloud running? stop it, or choose another port: make emulator EMULATOR_PORT=8766)\n')
        return 1
    document = json.dumps(server.info())
    if args.exports:
        from emulator.exports import banner  # pylint: disable=import-outside-toplevel
        sys.stdout.write(banner(server.info()['url']) + '\n')
        sys.stdout.flush()
    if args.port_file:
        temporary = f'{args.port_file}.{os.getpid()}.tmp'
        with open(temporary, 'w', encoding='utf-8') as handle:
            handle.write(document + '\n')
        os.replace(temporary, args.port_file)
    elif not args.exports:
        sys.stdout.write(document + '\n')
        sys.stdout.flush()

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    stopping.wait(args.lifetime)
    server.stop()
    if args.port_file and os.path.exists(args.port_file):
        os.remove(args.port_file)
    return 0


if __name__ == '__main__':
    HERE = os.path.dirname(os.path.abspath(__file__))
    # Import the package as `emulator` from its parent directory, and keep this directory (core.py, signing.py, ...)
    # off sys.path so that its modules cannot shadow anything.
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE]
    sys.path.insert(0, os.path.dirname(HERE))
    sys.exit(main())
