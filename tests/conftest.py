"""Shared test settings: hypothesis profiles, the --update-golden flag, `crash_after`, and the
local S3 server of the remote-path tests (tests/remote/) and of the s3a:// test
(tests/spark/test_s3a.py): one server for the whole session, started by the first test that asks.

The server is moto's server mode on 127.0.0.1, with fake credentials, so nothing reaches the
network; it stops at the end of the session. Without moto or s3fs the tests that use it are
skipped, saying which is missing; in CI (CLEANSE_REQUIRE_REMOTE=1, set by .ci/run) they fail.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
# Long fuzzing runs outside CI: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _own_rule_check_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test checks the rule files it loads (no marker of cleanse.rule_check_cache left by
    another test or by a run outside the suite); the folder is made only if a test writes one."""
    folder = tmp_path_factory.getbasetemp() / "rule-check-cache" / uuid.uuid4().hex
    monkeypatch.setenv("CLEANSE_CACHE_DIR", str(folder))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def crash_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`crash_after(n)`: the next run stops, like an interrupted process (KeyboardInterrupt), right
    after its n-th checkpoint; `monkeypatch.undo()` lets the following run go through."""

    def arm(batches: int) -> None:
        from cleanse import job

        real = job._save_checkpoint
        seen = {"n": 0}

        def save_then_stop(*args, **kwargs):
            real(*args, **kwargs)
            seen["n"] += 1
            if seen["n"] == batches:
                raise KeyboardInterrupt

        monkeypatch.setattr(job, "_save_checkpoint", save_then_stop)

    return arm


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
