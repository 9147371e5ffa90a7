# A program that runs but never binds its port: "never started listening" (tests/run.sh).
import time

time.sleep(60)
