#!/usr/bin/env python3
"""A correct client that needs SECONDS of CPU before it connects (say, a heavy start-up), or, with
--sleep, that sleeps SECONDS instead: usage: slow-start-client.py [--sleep] SECONDS HOST PORT."""
import socket
import sys
import time

args = sys.argv[1:]
sleep = args[0] == "--sleep"
if sleep:
    args = args[1:]
seconds, host, port = float(args[0]), args[1], int(args[2])
if sleep:
    time.sleep(seconds)
else:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
with socket.create_connection((host, port)) as s:
    s.sendall(b"hi\n")
