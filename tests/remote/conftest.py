"""Remote-path tests: an S3-compatible server (moto's server mode) on 127.0.0.1, started once per
session and stopped at its end, with fake credentials, so nothing reaches the network.

Without moto or s3fs the tests are skipped, saying which is missing; in CI
(CLEANSE_REQUIRE_REMOTE=1, set by .ci/run) they fail instead.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import uuid
from collections.abc import Iterator

import pytest

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never ask an instance metadata service
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    missing = [m for m in ("moto", "flask", "s3fs", "fsspec") if importlib.util.find_spec(m) is None]
    if missing:
        problem = f"not installed: {', '.join(missing)} (pip install -e '.[dev,remote]')"
        if os.environ.get("CLEANSE_REQUIRE_REMOTE"):
            pytest.fail(f"remote tests must run here (CLEANSE_REQUIRE_REMOTE is set): {problem}")
        pytest.skip(f"remote tests need moto[server] and s3fs: {problem}")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for key, value in FAKE_ENV.items():
            patch.setenv(key, value)
        patch.setenv("AWS_ENDPOINT_URL", endpoint)  # botocore (under s3fs) sends every call here
        for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            patch.delenv(key, raising=False)
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture
def s3(s3_endpoint: str):
    """The s3fs file system of the local server, and a new bucket for the test."""
    import fsspec

    fs = fsspec.filesystem("s3")
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    fs.mkdir(bucket)
    fs.invalidate_cache()
    return fs, bucket
