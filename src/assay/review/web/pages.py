"""The pages people work in: login, their queues, the item page, adjudication, the dashboard.

Plain functions, run in FastAPI's thread pool (those that hash a password in threads of their
own); each does its reads, or its writes, in one unit of the store (see
:mod:`assay.review.web.app`)."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from assay.review.auth import Outcome, change_password, login
from assay.review.desk import ItemPage
from assay.review.render import marked, plain, spans_of
from assay.review.web.app import Context, ctx_t, posted
from assay.store.reviewing import CONTENT_LABELS, REFUSAL_LABELS, ReviewUser

KEYS = {"qualified": "1", "unqualified": "2", "refused": "1", "answered": "2", "partial": "3"}


def register(app: FastAPI, ctx: Context) -> None:
    form_of = Depends(posted)

    @app.get("/login")
    def login_page(request: Request) -> Response:
        return ctx.render(request, "login.html")

    @app.post("/login")
    async def login_post(request: Request, form: FormData = form_of) -> Response:
        return await ctx.hashing(logging_in, request, form)

    def logging_in(request: Request, form: FormData) -> Response:
        ctx.checked(request, form)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        with ctx.writing():  # no lock held while Argon2 works: the writes come after it
            result = login(ctx.store, name, password)
            if result.outcome is not Outcome.OK or result.user is None:
                key = "review.locked" if result.outcome is Outcome.LOCKED else "review.bad_login"
                error = ctx_t(request, ctx, key)
                return ctx.render(request, "login.html", 401, error=error)
            response = RedirectResponse("/", status_code=303)
            ctx.sessions.login(request, response, result.user)
        return response

    @app.post("/logout")
    def logout(request: Request, form: FormData = form_of) -> Response:
        with ctx.writing():
            ctx.checked(request, form)
            user = ctx.user(request)
            ctx.store.review.audit(user.name, "logout")
            response = RedirectResponse("/login", status_code=303)
            ctx.sessions.logout(request, response)
        return response

    @app.get("/account")
    def account(request: Request) -> Response:
        user = ctx.user(request)
        changed = request.query_params.get("changed") == "1"
        return ctx.render(request, "account.html", user=user, changed=changed)

    @app.post("/account/password")
    async def password(request: Request, form: FormData = form_of) -> Response:
        return await ctx.hashing(changing_password, request, form)

    def changing_password(request: Request, form: FormData) -> Response:
        session = ctx.checked(request, form)
        user = ctx.user(request)
        if str(form.get("new", "")) != str(form.get("again", "")):
            message = ctx_t(request, ctx, "review.passwords_differ")
            return ctx.render(request, "account.html", 400, user=user, error=message)
        with ctx.writing():
            done = change_password(
                ctx.store, user, str(form.get("current", "")), str(form.get("new", "")),
                keep=session.id,
            )  # fmt: skip
        if not done:
            message = ctx_t(request, ctx, "review.wrong_password")
            return ctx.render(request, "account.html", 400, user=user, error=message)
        return RedirectResponse("/account?changed=1", status_code=303)

    @app.get("/")
    def home(request: Request) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            queues = [(q, ctx.desk.progress(q.id)) for q in ctx.desk.queues_of(user)]
        return ctx.render(request, "home.html", user=user, queues=queues)

    @app.get("/queues/{queue_id}")
    def resume(request: Request, queue_id: str) -> Response:
        with ctx.writing(queue_id):
            user = ctx.user(request)
            position = ctx.desk.next_position(user, queue_id)
            progress = ctx.desk.progress(queue_id) if position is None else None
        if progress is not None:
            return ctx.render(request, "done.html", user=user, queue=queue_id, progress=progress)
        return RedirectResponse(f"/queues/{queue_id}/items/{position}", status_code=303)

    @app.get("/queues/{queue_id}/items/{position}")
    def item(request: Request, queue_id: str, position: int) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            page = ctx.desk.page(user, queue_id, position)
        return _item(request, ctx, user, page)

    @app.post("/queues/{queue_id}/items/{position}")
    def label(request: Request, queue_id: str, position: int, form: FormData = form_of) -> Response:
        with ctx.writing(queue_id):  # the verdict and the next item's claim: one transaction
            user = _decide(request, ctx, form, queue_id, position, adjudicate=False)
            return _go_next(ctx, user, queue_id, position)

    @app.get("/queues/{queue_id}/next")
    def next_item(request: Request, queue_id: str, after: int) -> Response:
        with ctx.writing(queue_id):
            user = ctx.user(request)
            return _go_next(ctx, user, queue_id, after)

    @app.get("/queues/{queue_id}/adjudicate")
    def next_dispute(request: Request, queue_id: str) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            position = ctx.desk.next_dispute(user, queue_id)
        if position is None:
            return RedirectResponse("/dashboard", status_code=303)
        return RedirectResponse(f"/queues/{queue_id}/adjudicate/{position}", status_code=303)

    @app.get("/queues/{queue_id}/adjudicate/{position}")
    def adjudicate(request: Request, queue_id: str, position: int) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            page = ctx.desk.page(user, queue_id, position, adjudicate=True)
        return _item(request, ctx, user, page)

    @app.post("/queues/{queue_id}/adjudicate/{position}")
    def adjudicate_post(
        request: Request, queue_id: str, position: int, form: FormData = form_of
    ) -> Response:
        with ctx.writing(queue_id):
            _decide(request, ctx, form, queue_id, position, adjudicate=True)
        return RedirectResponse(f"/queues/{queue_id}/adjudicate", status_code=303)

    @app.get("/dashboard")
    def dashboard(request: Request) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            ctx.desk.require(user, "reviewer", "admin")
            rows = [
                (q, ctx.desk.progress(q.id), ctx.desk.agreement(q.id))
                for q in ctx.desk.queues_of(user)
            ]
        return ctx.render(request, "dashboard.html", user=user, rows=rows)


def _decide(
    request: Request,
    ctx: Context,
    form: FormData,
    queue_id: str,
    position: int,
    *,
    adjudicate: bool,
) -> ReviewUser:
    """Record the verdict a labelling or adjudication form posts; the person who made it."""
    ctx.checked(request, form)
    user = ctx.user(request)
    ctx.desk.label(
        user, queue_id, position,
        label=str(form.get("label", "")),
        risk_ids=[str(r) for r in form.getlist("risk")],
        note=str(form.get("note", "")),
        answer_sha256=str(form.get("answer_sha256", "")),
        adjudicate=adjudicate,
    )  # fmt: skip
    return user


def _item(request: Request, ctx: Context, user: ReviewUser, page: ItemPage) -> Response:
    clear = page.clear_pii  # the desk's rule: the answer and the reasons are masked alike
    decision = "refusal" if page.queue.kind in ("refusal", "calibration-refusal") else "content"
    labels = REFUSAL_LABELS if decision == "refusal" else CONTENT_LABELS
    chosen_risks = set(page.mine.risk_ids) if page.mine else set(page.question_risks)
    base = f"/queues/{page.queue.id}"
    action = (
        f"{base}/adjudicate/{page.item.position}"
        if page.stage == "adjudication"
        else f"{base}/items/{page.item.position}"
    )
    return ctx.render(
        request,
        "item.html",
        user=user,
        page=page,
        action=action,
        question=plain(page.question, clear_pii=clear),
        answer=marked(page.answer, spans_of(page.evidence, page.answer), clear_pii=clear),
        labels=[(label, KEYS[label]) for label in labels],
        risks=ctx.desk.profile.risks,
        chosen_risks=chosen_risks,
        others=[(name, v, plain(v.note, clear_pii=clear)) for name, v in page.others],
        progress=page.progress or ctx.desk.progress(page.queue.id),
        previous=None if page.previous is None else f"{base}/items/{page.previous}",
        following=None if page.following is None else f"{base}/next?after={page.item.position}",
        prefetch=None if page.following is None else f"{base}/items/{page.following}",
    )


def _go_next(ctx: Context, user: ReviewUser, queue_id: str, after: int) -> Response:
    """To the next item after ``after``, claimed for ``user`` (or the queue's end page)."""
    following = ctx.desk.next_position(user, queue_id, after=after)
    target = f"/queues/{queue_id}" + ("" if following is None else f"/items/{following}")
    return RedirectResponse(target, status_code=303)
