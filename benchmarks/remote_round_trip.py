"""A run with SRC, DEST and the report on S3 against the same run on local folders, on real text.

    nice python benchmarks/remote_round_trip.py --mb 20 --repeat 2

The corpus is made as benchmarks/memory.py makes it: the public-domain novels in
../shared/corpora/ (never copied into the repository) cut into documents, repeated with seeded
perturbations, as .jsonl files. The S3 store is moto's server (`moto_server`, the dev extra) in
a child process on 127.0.0.1 with fake credentials: the figure is cleanse's own cost of a remote
run (listing, streaming the inputs through fsspec, the local scratch folder, the uploads), with
no network latency or bandwidth limit in it. Each run is `cleanse run SRC DEST -q --workers 1`
in a child process, local and remote alternating; the script checks that both wrote the same
corpus and audit, byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory import write_corpus

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    msg = "moto_server did not start"
    raise SystemExit(msg)


def timed_run(src: str, dest: str, env: dict[str, str]) -> float:
    command = [sys.executable, "-m", "cleanse", "run", src, dest, "-q", "--workers", "1"]
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind")
    args = parser.parse_args()
    port = free_port()
    env = os.environ | FAKE_ENV | {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    os.environ.update(env)
    import fsspec  # after the environment: s3fs reads the endpoint when it connects

    server = start_server(port)
    work = Path(tempfile.mkdtemp(prefix="cleanse-remote-bench-"))
    try:
        src = work / "src"
        src.mkdir()
        size = write_corpus(src, args.mb / 1000)
        fs = fsspec.filesystem("s3")
        fs.mkdir("bench")
        for path in sorted(src.iterdir()):
            fs.put_file(str(path), f"bench/src/{path.name}")
        local, remote = [], []
        for k in range(args.repeat):
            out = work / f"out{k}"
            local.append(timed_run(str(src), str(out), env))
            remote.append(timed_run("s3://bench/src/", f"s3://bench/out{k}/", env))
        fs.invalidate_cache()
        fetched = work / "fetched"
        for key in fs.find("bench/out0"):
            target = fetched / key.removeprefix("bench/out0/")
            target.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(key, str(target))
        names = sorted(p.name for p in (work / "out0").iterdir() if p.is_file())
        same = names == sorted(p.name for p in fetched.iterdir() if p.is_file()) and all(
            filecmp.cmp(work / "out0" / n, fetched / n, shallow=False)
            for n in [*names, ".cleanse/audit.jsonl"]
        )
        print(f"corpus: {size / 1e6:.1f} MB of JSON lines in {len(list(src.iterdir()))} files")
        print(f"local -> local : {', '.join(f'{t:.1f}' for t in local)} s")
        print(f"S3 -> S3       : {', '.join(f'{t:.1f}' for t in remote)} s")
        ratio = statistics.median(remote) / statistics.median(local)
        print(f"median: local {statistics.median(local):.1f} s, S3 {statistics.median(remote):.1f} s (x{ratio:.2f})")
        print(f"same corpus and audit: {same}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
