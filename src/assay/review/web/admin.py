"""The admin pages: people, queues and who works in which queue (admins only)."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Depends, FastAPI
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from assay.errors import ReviewError
from assay.review.auth import add_user, set_role
from assay.review.queues import KINDS, SECOND_SHARE, create_queue
from assay.review.web.app import Context, posted
from assay.store.reviewing import ROLES


def register(app: FastAPI, ctx: Context) -> None:
    form_of = Depends(posted)

    @app.get("/admin")
    def admin(request: Request) -> Response:
        with ctx.reading():
            user = ctx.user(request)
            ctx.desk.require(user, "admin")
            tables = ctx.store.review
            queues = tables.queues()
            people = tables.users()
            names = {u.id: u.name for u in people}
            assigned = {
                q.id: sorted(names.get(i, "?") for i in tables.assigned(q.id)) for q in queues
            }
            runs = [r.id for r in ctx.store.runs()]
            audit = tables.audit_events(50)
        return ctx.render(
            request,
            "admin.html",
            user=user,
            users=people,
            queues=queues,
            assigned=assigned,
            runs=runs,
            kinds=KINDS,
            roles=ROLES,
            share=SECOND_SHARE,
            audit=audit,
        )

    @app.post("/admin/users")
    async def users(request: Request, form: FormData = form_of) -> Response:
        return await ctx.hashing(adding_user, request, form)

    def adding_user(request: Request, form: FormData) -> Response:
        ctx.checked(request, form)
        user = ctx.user(request)
        ctx.desk.require(user, "admin")
        role = str(form.get("role", ""))
        if role not in ROLES:
            raise ReviewError(
                "review.err.unknown_role", fix_key="review.fix.roles", role=role,
                known=", ".join(ROLES),
            )  # fmt: skip
        add_user(
            ctx.store, str(form.get("name", "")), role, str(form.get("password", "")),
            by=user.name,
        )  # fmt: skip
        return RedirectResponse("/admin", status_code=303)

    @app.post("/admin/role")
    def role(request: Request, form: FormData = form_of) -> Response:
        ctx.checked(request, form)
        user = ctx.user(request)
        ctx.desk.require(user, "admin")
        chosen = str(form.get("role", ""))
        if chosen not in ROLES:
            raise ReviewError(
                "review.err.unknown_role", fix_key="review.fix.roles", role=chosen,
                known=", ".join(ROLES),
            )  # fmt: skip
        set_role(ctx.store, user, str(form.get("name", "")), chosen)
        return RedirectResponse("/admin", status_code=303)

    @app.post("/admin/queues")
    def queues(request: Request, form: FormData = form_of) -> Response:
        ctx.checked(request, form)
        user = ctx.user(request)
        ctx.desk.require(user, "admin")
        kind = str(form.get("kind", ""))
        if kind not in KINDS:
            raise ReviewError(
                "review.err.unknown_kind", fix_key="review.fix.kinds", kind=kind,
                known=", ".join(KINDS),
            )  # fmt: skip
        create_queue(
            ctx.store,
            str(form.get("run_id", "")),
            kind,
            by=user.name,
            queue_id=str(form.get("queue_id", "")).strip() or None,
            second_share=_number(form.get("second_share"), SECOND_SHARE, float),
            seed=_number(form.get("seed"), 0, int),
            n=_number(form.get("n"), 50, int),
        )
        return RedirectResponse("/admin", status_code=303)

    @app.post("/admin/assign")
    def assign(request: Request, form: FormData = form_of) -> Response:
        ctx.checked(request, form)
        user = ctx.user(request)
        ctx.desk.require(user, "admin")
        queue_id = str(form.get("queue_id", ""))
        who = ctx.store.review.user(str(form.get("name", "")))
        if who is None or ctx.store.review.queue(queue_id) is None:
            raise ReviewError("review.err.no_user_or_queue", fix_key="review.fix.from_lists")
        ctx.store.review.assign(
            queue_id, who.id, by=user.name, active=form.get("active", "1") == "1"
        )
        return RedirectResponse("/admin", status_code=303)


N = TypeVar("N", int, float)


def _number(value: object, default: N, kind: type[N]) -> N:
    if value in (None, ""):
        return default
    try:
        return kind(str(value))
    except ValueError:
        raise ReviewError(
            "review.err.not_a_number", fix_key="review.fix.number", value=value
        ) from None
