"""Helpers for container submission tests: a minimal `docker save` archive and a container phase."""

import hashlib
import io
import json
import tarfile

from django.core.files.base import ContentFile

from challenges.models import DataFile, Phase
from tests.platform.submissions.phases import binary_phase

INPUTS_CSV = b"case_id,mean_radius,mean_texture\nc1,17.99,10.38\nc2,13.54,14.36\nc3,1,2\nc4,3,4\nc5,5,6\nc6,7,8\n"


def archive(config_extra=None, tags=("team/algo:v1",)) -> bytes:
    """A minimal `docker save` tar: one empty layer, a config with CMD (plus `config_extra`)."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w"):
        pass
    layer_bytes = layer.getvalue()
    layer_id = hashlib.sha256(layer_bytes).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Cmd": ["python3", "/run.py"], **(config_extra or {})},
                         "rootfs": {"type": "layers", "diff_ids": [f"sha256:{layer_id}"]}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": list(tags), "Layers": [f"{layer_id}/layer.tar"]}]).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in ((f"{layer_id}/layer.tar", layer_bytes), (config_name, config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def container_phase(kinds=Phase.SubmissionKinds.CONTAINER, **options):
    """A binary phase (cases c1..c6) taking container images, task_options=`options`, with an inputs CSV."""
    phase = binary_phase(submission_kinds=kinds, limit_concurrent=0, task_options=options)
    DataFile.objects.create(challenge=phase.challenge, phase=phase, kind=DataFile.Kind.PUBLIC_INPUT, name="inputs.csv",
                            file=ContentFile(INPUTS_CSV, name="inputs.csv"))
    return phase
