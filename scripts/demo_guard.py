"""`make demo`, second half: the example service assessed through the runtime guard.

The first half assesses the example service bare: the target replays the answer sheet
(examples/answers.csv) as run ``demo``. This script puts the guard in front of the same
answers and assesses again, into the same run store, with a report that shows both runs side
by side and which layer stopped each item.

The guard forwards to an OpenAI-compatible model, and the example has none: the model is a
stand-in, a small OpenAI-compatible endpoint on 127.0.0.1 that answers each question with its
row of the same answer sheet (the library's answer-sheet target does the lookup). So the
answers the two runs receive from the model are the same, and everything that differs is the
guard's doing — the real guard (``assay guard serve``'s app on uvicorn) over real HTTP, whose
answers the target recognises by their ``X-Assay-Guard`` header. Running the guard in process
over the sheet would skip exactly the part being shown (how an assessment through a deployed
guard tells the guard's answers from the model's), so it is not done that way. Both servers
run in threads of this process and stop when it ends.

    .venv/bin/python scripts/demo_guard.py --out out/demo-guard \
        --store sqlite:///out/demo/runs.sqlite --compare demo
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import threading
import time
from pathlib import Path
from typing import Any

from aiohttp import web

import assay
from assay.banks.models import Question, QuestionKind
from assay.errors import TargetError
from assay.guard.serve import ServerThread
from assay.guard_config import AbuseConfig, ReloadConfig, UpstreamConfig
from assay.project import Project
from assay.targets.openai import OpenAITargetConfig
from assay.targets.sheet import AnswerSheetConfig, AnswerSheetTarget

ROOT = Path(__file__).resolve().parents[1]


class SheetModel:
    """The example model: an OpenAI-compatible chat endpoint on 127.0.0.1 answering each
    question (the last user message) with its row of the answer sheet."""

    def __init__(self, sheet: AnswerSheetConfig) -> None:
        self.sheet = AnswerSheetTarget(sheet)
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        text = str(users[-1].get("content", "")) if users else ""
        asked = Question(id="?", text=text or "?", kind=QuestionKind.CONTENT, risk_ids=("A.1.a",))
        try:
            reply = await self.sheet.reply(asked)
        except TargetError as exc:
            error = {"error": {"message": exc.reason, "type": "not_found", "code": None}}
            return web.json_response(error, status=404)
        message = {"role": "assistant", "content": reply.answer}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        data: dict[str, Any] = {
            "id": "chatcmpl-sheet",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "example-sheet",
            "choices": [choice],
            "usage": {"prompt_tokens": len(text), "completion_tokens": len(reply.answer)},
        }
        return web.json_response(data)

    def start(self) -> str:
        ready = threading.Event()

        def serve() -> None:
            loop = self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            app = web.Application()
            app.router.add_post("/v1/chat/completions", self._chat)
            runner = self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            port = runner.addresses[0][1]
            self.url = f"http://127.0.0.1:{port}/v1"
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the example model did not start")
        return self.url

    def stop(self) -> None:
        loop, runner = self._loop, self._runner
        if loop is None or runner is None:
            return

        async def shutdown() -> None:
            await runner.cleanup()
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(10)


def _guard_project(project: Project, model_url: str) -> Project:
    """The example project with its guard in front of the stand-in model. The assessor's
    requests are not a user's: 7.g.1 suspension is off, and the files are not watched."""
    config = project.config
    assert config is not None
    guard = config.guard.model_copy(
        update={
            "upstream": UpstreamConfig(base_url=model_url),
            "abuse": AbuseConfig(enabled=False),
            "reload": ReloadConfig(watch=False),
        }
    )
    return dataclasses.replace(project, config=config.model_copy(update={"guard": guard}))


def _assessed_project(project: Project, guard_url: str, compare: str) -> Project:
    """The example project assessed through the guard, with the bare run beside it."""
    config = project.config
    assert config is not None
    target = OpenAITargetConfig(base_url=f"{guard_url}/v1", model="example", api_key_env=None)
    cover = config.assessment.model_copy(
        update={"compare_run": compare, "compare_label": "裸模型 bare model"}
    )
    update = {"target": target, "assessment": cover}
    return dataclasses.replace(project, config=config.model_copy(update=update))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "examples" / "assay.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "demo-guard")
    parser.add_argument("--store", default=f"sqlite:///{ROOT / 'out' / 'demo' / 'runs.sqlite'}")
    parser.add_argument("--compare", default="demo", help="the bare run, in the same store")
    parser.add_argument("--run-id", default="demo-guard")
    args = parser.parse_args()
    project = assay.load_project(args.config)
    if project.config is None or not isinstance(project.config.target, AnswerSheetConfig):
        print("the example project replays an answer sheet; this one does not", file=sys.stderr)
        return 2
    model = SheetModel(project.config.target)
    model_url = model.start()
    try:
        with ServerThread(_guard_project(project, model_url)) as guard:
            assessed = _assessed_project(project, guard.url, args.compare)
            assessment = assay.assess(assessed, out=args.out, store=args.store, run_id=args.run_id)
            written = assay.report(assessment)
    finally:
        model.stop()
    own, *other = assessment.report.attribution or [None]
    for run in [own, *other]:
        if run is None:
            continue
        refuse = next((m for m in run.methods if m.method.value == "must_refuse"), None)
        if refuse is not None:
            print(
                f"{run.run_id}: 9.4 b) refused {refuse.rate or 0:.1%}; input guard "
                f"{refuse.input_guard}, model {refuse.model}, output guard {refuse.output_guard}, "
                f"not stopped {refuse.passed} (leaks {refuse.leaks})"
            )
    print(f"The report through the guard, beside the bare run: {written[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
