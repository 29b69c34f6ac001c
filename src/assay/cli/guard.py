"""``assay guard``: the runtime guard as an OpenAI-compatible service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assay.cli.common import DEFAULT_LANG, LangOpt, ProfileOpt, check_lang, open_project
from assay.messages import t as message

app = typer.Typer(help="The runtime guard: the project's detectors in front of a live service.")


@app.callback()
def main() -> None:
    """The runtime guard: the project's detectors in front of a live service."""


@app.command("serve")
def serve(
    config: Annotated[
        Path | None,
        typer.Option(
            "--project", "--config", "-c", help="Project file (default: ./assay.yaml if present)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    profile: ProfileOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Serve POST /v1/moderations and /v1/chat/completions (a screening proxy to
    guard.upstream), /healthz and /metrics until interrupted; SIGHUP reloads the keyword
    library. One JSON line per decision goes to stderr."""
    from assay.guard.core import Guard
    from assay.guard.serve import serve as run

    code = check_lang(lang)
    project = open_project(config, profile, code)

    def announce(guard: Guard) -> None:
        with_model = (
            "cli.guard.with_classifier" if guard.classifier else "cli.guard.without_classifier"
        )
        typer.echo(
            message(
                "cli.guard.serving",
                code,
                host=host,
                port=port,
                keywords=len(guard.engine.entries),
                classifier=message(with_model, code),
            ),
            err=True,
        )
        if guard.config.api_keys_env is None:
            typer.echo(message("cli.guard.open", code), err=True)

    run(project, host=host, port=port, announce=announce)
