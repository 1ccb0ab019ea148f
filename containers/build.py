"""Build the base image and the example and hostile algorithm images, skipping what is up to date.

    python containers/build.py              # every image
    python containers/build.py --list       # names, tags and whether each is cached
    python containers/build.py examples/binary-classifier hostile/network

The base image is Debian minbase + python3 + numpy, made by `mmdebstrap` from the machine's own apt
sources (no registry needed) and imported with `docker import`; its rootfs tar is kept in
$PODIUM_IMAGE_CACHE (default /var/cache/podium-images). Every other image is a Dockerfile
(`FROM ${BASE}` plus COPY) built with no network.

Caching: each image carries the label org.podium.recipe-hash, a sha256 of its recipe (the base: recipe.json
and the apt sources; the others: every file of their folder plus the base's hash). An image whose hash is
already on the engine is not rebuilt. A file lock serialises concurrent builds on one machine.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABEL = "org.podium.recipe-hash"
#: Bump to force a rebuild of the base image when this script changes how the base is made.
BASE_BUILD_VERSION = "1"
DEFAULT_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")


def cache_dir() -> Path:
    path = Path(os.environ.get("PODIUM_IMAGE_CACHE", "/var/cache/podium-images"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    path = Path.home() / ".cache" / "podium-images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recipes() -> list[str]:
    """Names of the Dockerfile images: 'examples/x' and 'hostile/y'."""
    return sorted(str(p.parent.relative_to(HERE)) for p in HERE.glob("*/*/Dockerfile"))


def tag_of(name: str) -> str:
    """Repository of an image: podium/base, podium/examples-binary-classifier, podium/hostile-network."""
    return "podium/" + name.replace("/", "-")


def _sources() -> Path | None:
    path = Path(os.environ.get("PODIUM_DEBIAN_SOURCES", DEFAULT_SOURCES))
    return path if path.exists() else None


def base_hash() -> str:
    h = hashlib.sha256(f"base v{BASE_BUILD_VERSION}\n".encode())
    h.update((HERE / "base" / "recipe.json").read_bytes())
    sources = _sources()
    if sources:
        h.update(b"".join(line + b"\n" for line in sources.read_bytes().splitlines() if not line.startswith(b"#")))
    return h.hexdigest()


def recipe_hash(name: str) -> str:
    h = hashlib.sha256(f"{name}\nbase {base_hash()}\n".encode())
    for path in sorted((HERE / name).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(f"{path.relative_to(HERE / name)}\n".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def cached(client, repository: str, digest: str):
    """The image of `repository` labelled with `digest`, or None."""
    for image in client.images.list(name=repository, filters={"label": f"{LABEL}={digest}"}):
        return image
    return None


@contextmanager
def _lock():
    with open(cache_dir() / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install_mmdebstrap(log) -> None:
    """apt-get install mmdebstrap when running as root on Debian (as scripts/services.sh does for services)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError("mmdebstrap is missing: apt-get update && apt-get install -y mmdebstrap")
    log("installing mmdebstrap (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "mmdebstrap"], check=True, env=env, stdout=subprocess.DEVNULL)


def ensure_base(client, log=print) -> str:
    """The base image's tag (podium/base:<hash12>), building the rootfs and importing it if needed."""
    digest = base_hash()
    tag = f"podium/base:{digest[:12]}"
    if cached(client, "podium/base", digest):
        return tag
    recipe = json.loads((HERE / "base" / "recipe.json").read_text())
    rootfs = cache_dir() / f"base-{digest[:16]}.tar"
    if not rootfs.exists():
        if not shutil.which("mmdebstrap"):
            _install_mmdebstrap(log)
        sources = _sources()
        mirror = str(sources) if sources else "http://deb.debian.org/debian"
        partial = rootfs.with_suffix(".partial.tar")
        cmd = ["mmdebstrap", f"--variant={recipe['variant']}", f"--include={','.join(recipe['include'])}",
               *[f"--dpkgopt={opt}" for opt in recipe.get("dpkgopt", [])], "--quiet",
               recipe["suite"], str(partial), mirror]
        log(f"building the base rootfs: {' '.join(cmd)}")
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        partial.rename(rootfs)
        log(f"  rootfs {rootfs} ({rootfs.stat().st_size >> 20} MiB) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    changes = [*recipe.get("changes", []), f"LABEL {LABEL}={digest}"]
    # The docker CLI, not the SDK: docker-py streams a file upload in a way dockerd 20.10 rejects
    # ("header line too long").
    subprocess.run(["docker", "import", *[f"--change={c}" for c in changes], str(rootfs), tag],
                   check=True, stdout=subprocess.DEVNULL)
    client.images.get(tag).tag("podium/base", "latest")
    log(f"  imported {tag} in {time.perf_counter() - t0:.1f} s")
    return tag


def ensure_image(client, name: str, log=print) -> str:
    """The tag of image `name` ('examples/binary-classifier'), building it (and the base) if needed."""
    if not (HERE / name / "Dockerfile").exists():
        raise ValueError(f"no recipe {name!r}; known: {', '.join(recipes())}")
    digest = recipe_hash(name)
    repository = tag_of(name)
    tag = f"{repository}:{digest[:12]}"
    if cached(client, repository, digest):
        return tag
    base = ensure_base(client, log)
    t0 = time.perf_counter()
    stream = client.api.build(path=str(HERE / name), tag=tag, buildargs={"BASE": base}, labels={LABEL: digest},
                              network_mode="none", rm=True, forcerm=True, decode=True)
    for chunk in stream:
        if "error" in chunk:
            raise RuntimeError(f"building {name} failed: {chunk['error'].strip()}")
    client.images.get(tag).tag(repository, "latest")
    log(f"  built {tag} in {time.perf_counter() - t0:.1f} s")
    return tag


def ensure_images(client, names=None, log=print) -> dict[str, str]:
    """Tags of the named images (default: all), building what is missing."""
    with _lock():
        return {name: ensure_image(client, name, log) for name in (names or recipes())}


def main(argv=None) -> int:
    import docker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="images to build (default: all)")
    parser.add_argument("--list", action="store_true", help="list images and whether they are cached")
    args = parser.parse_args(argv)
    client = docker.from_env()
    if args.list:
        print(f"base  podium/base:{base_hash()[:12]}  {'cached' if cached(client, 'podium/base', base_hash()) else 'missing'}")
        for name in recipes():
            digest = recipe_hash(name)
            state = "cached" if cached(client, tag_of(name), digest) else "missing"
            print(f"{name}  {tag_of(name)}:{digest[:12]}  {state}")
        return 0
    t0 = time.perf_counter()
    tags = ensure_images(client, args.names or None)
    for name, tag in tags.items():
        print(f"{name}: {tag}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
