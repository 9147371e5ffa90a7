# A hostile program under test: ignores SIGTERM, floods stdout and stderr, leaves a setsid daemon
# behind, and never serves. The case must still end with a definite verdict and no leftover process.
import os
import signal
import sys
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execlp("sleep", "sleep", "313.25")  # the marker tests/run.sh looks for afterwards
    os._exit(0)
chunk = b"x" * 65536  # bytes, written unencoded: past the 8 MiB cap quickly even on a loaded machine
deadline = time.time() + 30
while time.time() < deadline:
    sys.stdout.buffer.write(chunk)
    sys.stderr.buffer.write(chunk)
