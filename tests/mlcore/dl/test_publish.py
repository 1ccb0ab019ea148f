"""`podium baseline publish` against a tiny local HTTP server (a unit test of the client)."""

import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from mlcore.cli import main
from mlcore.dl.config import load_config
from mlcore.dl.publish import PublishError, publish
from mlcore.dl.trainer import train

CONFIG = Path(__file__).parents[3] / "configs" / "baselines" / "breast_cancer_mlp.yaml"


class _Recorder(BaseHTTPRequestHandler):
    requests: list = []
    reply = (201, {"id": 17, "status": "pending"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        msg = email.message_from_bytes(b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body,
                                       policy=email.policy.HTTP)
        parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "parts": {
            k: (p.get_filename(), p.get_payload(decode=True)) for k, p in parts.items()}})
        status, payload = type(self).reply
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    _Recorder.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("pub")
    train(load_config(CONFIG, ["training.epochs=2", "validation.bootstrap.n_resamples=50"]), out, progress=False, log=lambda *_: None)
    return out / "bundle"


def test_posts_the_predictions_file_as_a_baseline(server, bundle):
    reply = publish(bundle, 3, url=server, token="s3cret")
    assert reply == {"id": 17, "status": "pending"}
    (req,) = _Recorder.requests
    assert req["path"] == "/api/phases/3/submissions/" and req["auth"] == "Token s3cret"
    name, content = req["parts"]["file"]
    assert name == "predictions.csv" and content == (bundle / "predictions" / "predictions.csv").read_bytes()
    assert req["parts"]["is_baseline"][1] == b"true"
    meta = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    desc = req["parts"]["method_description"][1].decode()
    assert desc.startswith("Baseline breast-cancer-mlp (mlp") and meta["data_hash"] in desc
    assert f"{meta['validation']['value']:.4f}" in desc


def test_refusal_lists_the_servers_problems_and_cli_exits_1(server, bundle, tmp_path, capsys, monkeypatch):
    _Recorder.reply = (400, {"problems": [{"code": "missing_cases", "message": "expected 200 case ids, found 113"}]})
    try:
        with pytest.raises(PublishError, match="refused the baseline \\(400\\): expected 200 case ids, found 113") as err:
            publish(bundle, 3, url=server, token="t")
        assert err.value.status == 400 and err.value.problems[0]["code"] == "missing_cases"
        monkeypatch.setenv("PODIUM_TOKEN", "from-env")
        other = tmp_path / "other.csv"
        other.write_text("case_id,score\nbc-000,0.5\n", encoding="utf-8")
        rc = main(["baseline", "publish", str(bundle), "--phase", "9", "--url", server, "--predictions", str(other)])
        assert rc == 1 and "expected 200 case ids" in capsys.readouterr().err
        assert _Recorder.requests[-1]["parts"]["file"][1] == other.read_bytes()
    finally:
        _Recorder.reply = (201, {"id": 17, "status": "pending"})


def test_cli_success_line(server, bundle, capsys):
    assert main(["baseline", "publish", str(bundle), "--phase", "4", "--url", server, "--token", "x"]) == 0
    assert capsys.readouterr().out.strip() == "baseline submission 17 pending"


def test_unreachable_server_is_a_publish_error(bundle):
    with pytest.raises(PublishError, match="could not reach http://127.0.0.1:9/api/phases/1/submissions/"):
        publish(bundle, 1, url="http://127.0.0.1:9", timeout=5)
