"""Corpus filter benchmark (issue 6; seeded, self-contained).

Generates a synthetic zh/en JSONL corpus of 1 KB records (planted keywords and personal
information: mobile numbers, resident ID numbers with a valid check digit, e-mail addresses)
split over several files, then measures, in one run:

- the ceiling: reading and parsing the same files (stdlib ``json``; ``orjson`` too if installed);
- ``assay corpus filter --pii mask`` end to end, as a child process, for each ``--workers``
  count, with its wall time, MB/s, records/s and peak memory (max RSS of the process tree's
  largest process);
- the same with ``--engine ray``: once starting its own local Ray (start-up and shut-down
  count, about 6 s on the 2-core machine here), and once on an already running local Ray
  cluster (``ray start --head``; ``--address``), as a cluster would be used;
- the peer: a plain Ray Data pipeline doing the same work (``read_text`` → ``map_batches`` over
  pandas batches parsing JSON, judging with the same keyword judge, masking personal
  information → ``write_json``), on the same cores;
- the same at a quarter of the size, to show whether memory stays flat in corpus size.

Each configuration runs ``--repeat`` times (default 3), the rounds interleaved; the median
decides, the best is shown beside it (on a shared machine one slow run swung the ratio by 0.1).

The filter cuts files into 64 MB pieces, so the worker count, not the file count, sets the
parallelism; the corpus is written as ``--files`` files.

    .venv/bin/python bench/corpus.py              # 1 GB (and 0.25 GB), several minutes
    .venv/bin/python bench/corpus.py --gb 0.1     # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _common import record as figure

SEED = 20261123
COMMON = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]
ENGLISH = (  # noqa: SIM905 (a word list is easier to read as text)
    "the of and to in is that for it with as was on be by this are from or have an they which "
    "one you were her all she there would their we him been has when who will more no if out"
).split()
PLANTED = ["自制炸药", "网络赌博", "代开发票", "枪支出售"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(rng: random.Random) -> str:
    body = f"{rng.randint(110000, 659000)}{rng.randint(1960, 2005)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def record(rng: random.Random, vocabulary: list[str], i: int) -> str:
    parts: list[str] = []
    length = 0
    while length < 1000:
        roll = rng.random()
        if roll < 0.05:
            piece = rng.choice(ENGLISH) + " "
        elif roll < 0.12:
            piece = rng.choice("，。、；！？ ")
        elif roll < 0.1205:
            piece = rng.choice(PLANTED)
        elif roll < 0.1210:
            piece = rng.choice(
                [
                    f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                    resident_id(rng),
                    f"user{rng.randint(1, 99999)}@example.com",
                ]
            )
        else:
            piece = rng.choice(vocabulary)
        parts.append(piece)
        length += len(piece.encode("utf-8"))
    row = {"id": f"r{i}", "text": "".join(parts), "url": f"https://example.com/{i}"}
    return json.dumps(row, ensure_ascii=False)


def generate(folder: Path, gigabytes: float, files: int) -> tuple[int, int]:
    rng = random.Random(SEED)
    vocabulary = [
        "".join(rng.choice(COMMON) for _ in range(rng.randint(1, 4))) for _ in range(20000)
    ]
    target = int(gigabytes * 1e9)
    per_file = target // files
    count = size = 0
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        with (folder / f"part-{n:03d}.jsonl").open("w", encoding="utf-8") as out:
            written = 0
            while written < per_file:
                line = record(rng, vocabulary, count) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                count += 1
            size += written
    (folder / "keywords.csv").write_text(
        "keyword,risk_ids\n" + "".join(f"{k},A.1.h\n" for k in PLANTED), "utf-8"
    )
    (folder / "sources.yaml").write_text(
        "sources:\n  - {id: synthetic, kind: open_source, licence: CC0-1.0, id_field: id,\n"
        "     paths: ['part-*.jsonl']}\n",
        "utf-8",
    )
    return count, size


def read_rate(folder: Path, loads_name: str) -> float:
    loads: Callable[[bytes], Any]
    if loads_name == "orjson":
        import orjson  # type: ignore[import-not-found,unused-ignore]

        loads = orjson.loads
    else:
        loads = json.loads
    started = time.perf_counter()
    size = 0
    for path in sorted(folder.glob("part-*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                loads(line)
                size += len(line)
    return size / 1e6 / (time.perf_counter() - started)


_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run_filter(
    folder: Path, out: Path, workers: int, engine: str = "local", address: str | None = None
) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the largest process, summary line) of one filter run.

    The run goes through a fresh wrapper process, whose RUSAGE_CHILDREN max RSS is that of
    the largest process of this run alone (the assay process or one of its workers).
    """
    shutil.rmtree(out, ignore_errors=True)
    assay = Path(sys.executable).with_name("assay")
    command = [sys.executable, "-c", _MEASURE, str(assay), "corpus", "filter", "sources.yaml"]
    command += ["--out", str(out), "--pii", "mask", "--keywords", "keywords.csv", "--lang", "en"]
    command += ["--workers", str(workers), "--engine", engine]
    if address:
        command += ["--address", address]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"filter failed: {done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, done.stdout.splitlines()[0]


_RAY_DATA_PEER = """
import json, sys, time
from pathlib import Path
import ray
from assay.banks.io import load_keywords
from assay.judges.keyword import KeywordJudge
from assay.standard.loader import load_profile
from assay.text.pii import mask

folder, out, workers = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
started = time.perf_counter()
ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
judge = KeywordJudge(load_keywords(folder / "keywords.csv", load_profile())[0])

def clean(batch):
    rows = [json.loads(line) for line in batch["text"]]
    verdicts = judge.judge_many([r["text"] for r in rows])
    kept = [dict(r, text=mask(r["text"])) for r, v in zip(rows, verdicts) if not v.flagged]
    import pandas as pd
    return pd.DataFrame(kept)

files = sorted(str(p) for p in folder.glob("part-*.jsonl"))
ray.data.read_text(files).map_batches(clean, batch_format="pandas").write_json(out)
print(time.perf_counter() - started)
"""


def run_ray_data_peer(folder: Path, out: Path, workers: int) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process) of the plain Ray Data pipeline."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-c", _RAY_DATA_PEER]
    command += [str(folder), str(out), str(workers)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"Ray Data peer failed: {done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


@contextlib.contextmanager
def _cluster(workers: int) -> Iterator[str]:
    """A local Ray cluster started before the command (``ray start --head``), stopped after."""
    ray = str(Path(sys.executable).with_name("ray"))
    os.environ["RAY_AUTH_MODE"] = (
        "disabled"  # a throw-away cluster on loopback; the filter inherits it
    )
    started = subprocess.run(
        [
            ray,
            "start",
            "--head",
            f"--num-cpus={workers}",
            "--include-dashboard=false",
            "--disable-usage-stats",
            "--port=6390",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        raise SystemExit(f"ray start failed: {started.stderr[-2000:]}")
    try:
        yield "127.0.0.1:6390"
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, check=False)
        del os.environ["RAY_AUTH_MODE"]


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gb", type=float, default=1.0, help="corpus size in GB (default 1)")
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3, help="rounds, interleaved (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="assay-bench-corpus-"))
    print(f"machine: {os.cpu_count()} cores; corpus under {root}")
    try:
        for gigabytes in sorted({args.gb / 4, args.gb}):
            folder = root / f"{gigabytes:g}gb"
            started = time.perf_counter()
            count, size = generate(folder, gigabytes, args.files)
            print(
                f"\n== {size / 1e9:.2f} GB, {count:,} records in {args.files} files "
                f"(generated in {time.perf_counter() - started:.0f} s)"
            )
            rate = read_rate(folder, "json")
            print(f"ceiling, read + json.loads, 1 core:  {rate:7.1f} MB/s")
            try:
                rate = read_rate(folder, "orjson")
                print(f"ceiling, read + orjson.loads, 1 core: {rate:7.1f} MB/s")
            except ImportError:
                print("ceiling, orjson: not installed (pip install orjson to compare)")
            # every configuration once per round, rounds interleaved: a busy spell on the
            # machine then hits all of them alike; best and median of the rounds are shown
            configs = [(e, w) for e in ("local", "ray", "ray cluster") for w in args.workers]
            runs: dict[tuple[str, int], list[tuple[float, float, str]]] = {c: [] for c in configs}
            for _ in range(args.repeat):
                for engine, workers in configs:
                    with _cluster(workers) if engine == "ray cluster" else _nothing() as address:
                        runs[engine, workers].append(
                            run_filter(folder, root / "clean", workers, engine.split()[0], address)
                        )
            local: dict[int, float] = {}
            for engine, workers in configs:
                seconds = sorted(s for s, _, _ in runs[engine, workers])
                best, median = size / 1e6 / seconds[0], size / 1e6 / statistics.median(seconds)
                peak = max(p for _, p, _ in runs[engine, workers])
                summary = runs[engine, workers][-1][2]
                if engine == "local":
                    local[workers] = median
                    versus = f"{median / workers:5.1f} MB/s per core"
                else:
                    versus = f"{median / local[workers]:4.2f}x local (medians)"
                print(
                    f"assay corpus filter, {engine:11}, {workers} worker(s): {median:7.1f} MB/s"
                    f" median, {best:7.1f} best of {len(seconds)} ({versus}),"
                    f" {count / statistics.median(seconds):9,.0f} records/s,"
                    f" peak RSS (largest process) {peak:5.0f} MB  [{summary}]"
                )
                decides = engine == "ray cluster" and gigabytes >= 1
                figure(
                    "corpus",
                    f"corpus filter, {size / 1e9:.2f} GB, {engine}, {workers} worker(s)",
                    f"{median:.1f} MB/s median ({best:.1f} best of {len(seconds)}),"
                    f" peak {peak:.0f} MB",
                    peer="" if engine == "local" else f"local {local[workers]:.1f} MB/s",
                    ratio="" if engine == "local" else f"{median / local[workers]:.2f}x",
                    goal=">= 0.8x local" if decides else "",
                    ok=median / local[workers] >= 0.8 if decides else None,
                )
            try:
                import ray  # noqa: F401
            except ImportError:
                print("peer, plain Ray Data pipeline: ray not installed")
            else:
                workers = max(args.workers)
                took, peak = run_ray_data_peer(folder, root / "peer", workers)
                print(
                    f"peer, plain Ray Data map_batches (pandas), {workers} worker(s):"
                    f" {size / 1e6 / took:7.1f} MB/s, {took:6.1f} s, peak RSS {peak:5.0f} MB"
                )
            shutil.rmtree(folder) if not args.keep else None
        print(
            "\ntargets (issue 6): ≥50 MB/s per core end to end; peak memory per worker < 1 GB "
            "and flat in corpus size; Ray ≥ 0.7 of local"
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
