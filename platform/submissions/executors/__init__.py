"""Sandboxed execution of participants' algorithm images (issue 8).

    from submissions.executors import DockerExecutor, RunLimits, inspect_archive, load_image

The submodules import the docker SDK only where it is used; importing this package stays light.
"""

from .base import Executor, Reason, RunLimits, RunResult, SandboxError
from .docker_executor import QUEUE_CPU, QUEUE_GPU, DockerExecutor, executor_for_queue
from .image_archive import ArchiveReport, inspect_archive
from .image_cache import ArchiveRefused, LoadedImage, load_image, prune_images, touch

__all__ = [
    "ArchiveRefused", "ArchiveReport", "DockerExecutor", "Executor", "LoadedImage", "Reason", "RunLimits",
    "RunResult", "SandboxError", "QUEUE_CPU", "QUEUE_GPU", "executor_for_queue", "inspect_archive", "load_image",
    "prune_images", "touch",
]
