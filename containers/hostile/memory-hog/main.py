"""Hostile: allocates (and touches) memory until the kernel stops it."""

blocks = []
while True:
    blocks.append(b"\x01" * (16 << 20))
    if len(blocks) % 4 == 0:
        print(f"holding {len(blocks) * 16} MiB", flush=True)
