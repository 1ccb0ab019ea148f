"""Hostile: tries to write outside /output and /tmp. Exits 0 only if one of the writes succeeded."""

import sys

TARGETS = ["/evil", "/etc/evil", "/usr/lib/evil", "/var/tmp/evil", "/input/evil", "/input/manifest.json",
           "/opt/hostile/main.py", "/home/evil"]
refused = None
for path in TARGETS:
    try:
        with open(path, "a") as handle:
            handle.write("tampered\n")
        print(f"ESCAPED: wrote {path}")
        sys.exit(0)
    except OSError as exc:
        print(f"refused: {path}: {exc}")
        if refused is None or exc.errno == 30:  # keep a read-only-filesystem error for the final raise
            refused = exc
print("every write outside /output was refused", flush=True)
raise refused
