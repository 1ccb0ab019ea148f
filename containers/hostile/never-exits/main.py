"""Hostile: never exits, and ignores SIGTERM and SIGINT."""

import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
print("sleeping forever", flush=True)
while True:
    time.sleep(3600)
