"""Where the corpus filter's pieces run: a local process pool, or Ray.

Both run the same :meth:`FilterJob.run` on the same pieces, each writing its own output and logs,
so the two engines give byte-identical results; only the scheduling differs. The Ray engine
starts a local Ray (``ray.init()`` with ``workers`` CPUs) unless given a cluster ``address``;
there, every node must have Assay installed and see the corpus and output paths at the same
place (a shared file system); actors work from the command's working directory. It runs one
actor per worker, each holding the judge once, and hands them the pieces through an actor pool.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from assay.errors import ConfigError, MissingDependencyError
from assay.judges.base import Judge
from assay.registry import Registry

if TYPE_CHECKING:
    from assay.corpus.filter import Engine, FilterJob, FilterStats


def run_jobs(
    jobs: Sequence[FilterJob],
    judge: Judge,
    *,
    engine: Engine = "local",
    workers: int = 1,
    address: str | None = None,
) -> Iterator[FilterStats]:
    """Run every job; yields each one's stats as it finishes (in no set order)."""
    if not jobs:
        return
    yield from ENGINES.get(engine)(jobs, judge, workers, address)


Runner = Callable[[Sequence["FilterJob"], Judge, int, str | None], Iterator["FilterStats"]]


def _local(
    jobs: Sequence[FilterJob], judge: Judge, workers: int, address: str | None
) -> Iterator[FilterStats]:
    """In this process, or a pool of ``workers`` processes (each holding the judge once)."""
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(
            min(workers, len(jobs)), initializer=_init, initargs=(judge, os.getpid())
        ) as pool:
            yield from pool.map(_run, jobs)
    else:
        for job in jobs:
            yield job.run(judge)


_JUDGE: Judge | None = None


def _init(judge: Judge, parent: int) -> None:
    global _JUDGE
    _JUDGE = judge
    die_with_parent(parent)


_PR_SET_PDEATHSIG = 1
_WATCH_S = 1.0


def die_with_parent(parent: int) -> None:
    """End this worker process when ``parent`` ends, even by SIGKILL (the pool's own pipes
    do not tell an idle or busy worker): the kernel's parent-death signal on Linux, else a
    thread that watches the parent's pid."""
    if not _parent_death_signal():
        threading.Thread(target=_watch, args=(parent,), name="assay-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_S)
    os._exit(1)


def _run(job: FilterJob) -> FilterStats:
    assert _JUDGE is not None
    return job.run(_JUDGE)


def _ray(
    jobs: Sequence[FilterJob], judge: Judge, workers: int, address: str | None
) -> Iterator[FilterStats]:
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise MissingDependencyError("ray", "ray") from None
    started = not ray.is_initialized()
    if started:
        if address:
            _reachable(address)
            try:
                ray.init(address=address, log_to_driver=False)
            except ConnectionError as exc:
                raise ConfigError(
                    f"cannot reach the Ray cluster at {address}: {exc}", fix=_CLUSTER_FIX
                ) from None
            except ValueError as exc:
                if "ray[client]" in str(exc):  # ray://… needs Ray Client
                    raise MissingDependencyError("ray[client]", "ray") from None
                raise ConfigError(f"bad Ray address {address!r}: {exc}", fix=_CLUSTER_FIX) from None
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        worker = ray.remote(num_cpus=1)(_RayWorker)
        shared = ray.put(judge)
        # paths in the jobs may be relative to where the command runs: actors work from there
        here = os.getcwd()
        actors = [worker.remote(shared, here) for _ in range(min(workers, len(jobs)))]
        yield from ActorPool(actors).map_unordered(lambda a, job: a.run.remote(job), list(jobs))
    finally:
        if started:
            ray.shutdown()


_CLUSTER_FIX = (
    "check --address (the head's GCS address host:port, ray://host:10001, or auto); start one "
    "with ray start --head; for a cluster with token auth, set RAY_AUTH_TOKEN"
)
_CONNECT_S = 5.0


def _reachable(address: str) -> None:
    """Fail fast on a host:port nothing listens on (Ray itself retries for minutes)."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"bad Ray address {address!r}", fix=_CLUSTER_FIX)
    try:
        socket.create_connection((host, int(port)), timeout=_CONNECT_S).close()
    except OSError as exc:
        raise ConfigError(
            f"nothing answers at {address} ({exc.strerror or exc})", fix=_CLUSTER_FIX
        ) from None


class _RayWorker:
    """One Ray actor: builds the judge once, then filters the pieces it is given."""

    def __init__(self, judge: Judge, cwd: str) -> None:
        os.chdir(cwd)  # an actor is a process of its own
        self.judge = judge

    def run(self, job: Any) -> Any:
        return job.run(self.judge)


# the corpus engines by name (ray is imported only when its engine runs)
ENGINES: Registry[Runner] = Registry(
    "corpus engine", {"local": lambda: _local, "ray": lambda: _ray}
)
