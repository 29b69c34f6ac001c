"""``assay review``: manual review, by sheet (export / import) or in the review web app (serve,
users, queues, assign).

The web app's packages (FastAPI, uvicorn, argon2: the ``review`` extra) are imported only by
the commands that need them. A password is read from a prompt or from ``$ASSAY_REVIEW_PASSWORD``,
never from an argument, so it does not land in the shell's history.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from assay.cli.assess import StoreOpt, review_export, review_import
from assay.cli.common import DEFAULT_LANG, LangOpt, ProfileOpt, check_lang, open_project
from assay.errors import MissingDependencyError
from assay.messages import t as message

PASSWORD_ENV = "ASSAY_REVIEW_PASSWORD"
ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project", "--config", "-c", help="Project file (default: ./assay.yaml if present)."
    ),
]

app = typer.Typer(
    help="Manual review: export / import sheets, or serve the review web app (9.3 b), 9.4, "
    "calibration)."
)
app.command("export")(review_export)
app.command("import")(review_import)
users_app = typer.Typer(help="People of the review app.")
app.add_typer(users_app, name="users")


def _need_web() -> None:
    for module in ("fastapi", "uvicorn", "argon2", "itsdangerous", "python_multipart"):
        try:
            __import__(module)
        except ImportError:
            raise MissingDependencyError(module, extra="review") from None


@app.command("serve")
def serve(
    config: ProjectOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8765,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Serve the review web app on the project's run store (Ctrl+C stops it)."""
    _need_web()
    from assay.review.web.app import serve as run_server

    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    runs = the_project.open_store(store)
    typer.echo(message("cli.review.serving", code, host=host, port=port), err=True)
    run_server(
        runs,
        the_project.profile,
        host=host,
        port=port,
        lang=code,
        secret=os.environ.get("ASSAY_REVIEW_SECRET"),
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The person's login name.")],
    role: Annotated[
        str, typer.Option(help="annotator (labels), reviewer (also adjudicates) or admin.")
    ] = "annotator",
    admin: Annotated[bool, typer.Option("--admin", help="Same as --role admin.")] = False,
    config: ProjectOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Add a person; the password is read from $ASSAY_REVIEW_PASSWORD or asked for."""
    _need_web()
    from assay.review.auth import add_user
    from assay.store.reviewing import ROLES, Role

    code = check_lang(lang)
    chosen = "admin" if admin else role
    if chosen not in ROLES:
        from assay.errors import ReviewError

        raise ReviewError(
            "review.err.unknown_role", fix_key="review.fix.roles", role=chosen,
            known=", ".join(ROLES),
        )  # fmt: skip
    the_project = open_project(config, profile, code)
    runs = the_project.open_store(store)
    password = os.environ.get(PASSWORD_ENV) or typer.prompt(
        message("cli.review.password_prompt", code, name=name),
        hide_input=True,
        confirmation_prompt=True,
    )
    role_of: Role = chosen
    add_user(runs, name, role_of, password, by="cli")
    typer.echo(message("cli.review.user_added", code, name=name, role=chosen))


@app.command("queue")
def queue_add(
    run_id: Annotated[str, typer.Argument(help="Run id (see assay results --list).")],
    kind: Annotated[
        str,
        typer.Option(
            help="manual (9.3 b)), refusal (9.4 uncertain), content (9.3 uncertain), "
            "calibration-keyword, calibration-classifier, calibration-refusal or corpus (9.2 a), "
            "from a run assay review corpus kept)."
        ),
    ] = "manual",
    queue_id: Annotated[
        str | None, typer.Option("--id", help="Queue id (default RUN-KIND).")
    ] = None,
    second_share: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of items reviewed twice, blind.")
    ] = 0.10,
    seed: Annotated[int, typer.Option(help="Seed of the second-review and calibration draws.")] = 0,
    n: Annotated[int, typer.Option("--n", min=1, help="Calibration: answers to draw.")] = 50,
    assign: Annotated[
        list[str] | None, typer.Option("--assign", help="Assign this person (repeatable).")
    ] = None,
    config: ProjectOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Create a review queue from a run, optionally assigning people to it."""
    from assay.errors import ReviewError
    from assay.review.queues import KINDS, create_queue

    code = check_lang(lang)
    if kind not in KINDS:
        raise ReviewError(
            "review.err.unknown_kind", fix_key="review.fix.kinds", kind=kind, known=", ".join(KINDS)
        )
    the_project = open_project(config, profile, code)
    runs = the_project.open_store(store)
    queue = create_queue(
        runs, run_id, kind, by="cli", queue_id=queue_id, second_share=second_share, seed=seed, n=n
    )
    items = runs.review.items(queue.id)
    typer.echo(
        message(
            "cli.review.queue_added",
            code,
            queue=queue.id,
            items=len(items),
            second=sum(i.second for i in items),
        )
    )
    for name in assign or []:
        user = runs.review.user(name)
        if user is None:
            raise ReviewError("review.err.no_user", fix_key="review.fix.add_user", name=name)
        runs.review.assign(queue.id, user.id, by="cli")
        typer.echo(message("cli.review.assigned", code, name=name, queue=queue.id))


@app.command("corpus")
def corpus_sample(
    sources: Annotated[Path, typer.Argument(help="The corpus's sources.yaml.")],
    run_id: Annotated[str, typer.Option("--run", help="Id of the run that keeps the sample.")],
    size: Annotated[
        int | None, typer.Option(min=1, help="Records to draw (default: the profile's minimum).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the draw (as corpus manual export).")] = 0,
    config: ProjectOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Keep the 9.2 a) manual sample (the draw corpus manual export writes) in the store, for
    a corpus queue: assay review queue RUN --kind corpus."""
    from assay.corpus.review_queue import put_manual_sample

    code = check_lang(lang)
    the_project = open_project(config, profile, code)
    runs = the_project.open_store(store)
    drawn = put_manual_sample(runs, run_id, sources, the_project.profile, size=size, seed=seed)
    typer.echo(message("cli.review.corpus_sample", code, run=run_id, n=drawn))
