"""Hostile: writes predictions.csv forever, 1 MiB at a time, until a write fails."""

line = b"case_0001,0.5\n"
chunk = line * ((1 << 20) // len(line))
written = 0
with open("/output/predictions.csv", "wb") as handle:
    handle.write(b"case_id,score\n")
    while True:
        handle.write(chunk)
        handle.flush()
        written += len(chunk)
        if written % (16 << 20) == 0:
            print(f"wrote {written >> 20} MiB", flush=True)
