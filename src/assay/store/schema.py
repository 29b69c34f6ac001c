"""Tables of the run store (SQLAlchemy Core; SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),  # content / refusal / all
    Column("profile_id", String(64), nullable=False),
    Column("profile_sha256", String(64), nullable=False),
    Column("target", JSON, nullable=False),  # the target's spec
    Column("settings", JSON, nullable=False),  # seeds, sample sizes, banks and their hashes
    Column("status", String(16), nullable=False),  # planned / running / done / stopped
)

questions = Table(
    "questions",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("bank", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("risk_ids", JSON, nullable=False),
    Column("aspect", String(64)),
    Column("lang", String(35), nullable=False),
)

plan = Table(
    "plan",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column(
        "method", String(16), primary_key=True
    ),  # manual/keyword/classifier/must_refuse/must_answer
    Column("question_id", String(255), primary_key=True),
    Column("position", Integer, nullable=False),
)

replies = Table(
    "replies",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("ok", Boolean, nullable=False),
    Column("answer", Text),
    Column("reasoning", Text),
    Column("error", Text),
    Column("status_code", Integer),
    Column("latency_ms", Float),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

blocks = Table(  # replies the service's own filter gave (one row per blocked reply attempt); a
    # table of its own so that stores written before it existed open unchanged
    "blocks",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("rule", String(255), nullable=False),  # the rule that matched
    Column("status", Integer),  # the provider's HTTP status
    Column("code", String(255)),  # the provider's error code / type / finish_reason
    Column("message", Text),  # the provider's message or the canned text
    Column("created_at", DateTime(timezone=True), nullable=False),
)

usage_problems = Table(  # replies kept although their ``usage`` could not be read (a string, a
    # list): the answer stands, the problem is noted; a table of its own, like blocks
    "usage_problems",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("problem", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("judge", String(64), primary_key=True),
    Column("spec", JSON, nullable=False),
    Column("flagged", Boolean, nullable=False),
    Column("refused", Boolean),
    Column("uncertain", Boolean, nullable=False),
    Column("risk_ids", JSON, nullable=False),
    Column("score", Float),
    Column("evidence", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(255), primary_key=True),
    Column("reviewer", String(255), primary_key=True),
    Column("qualified", Boolean, nullable=False),
    Column("risk_ids", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("answer_sha256", String(64)),  # the answer the reviewer saw
    Column("created_at", DateTime(timezone=True), nullable=False),
)


corpus = Table(  # the corpus assessment (5.1, 5.2, 9.2) of an assessment, as one JSON document
    "corpus",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("result", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


leases = Table(  # who is asking a run's questions now: one row per run, while it is asked
    "leases",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("token", String(64), nullable=False),  # this holder's random token
    Column("pid", Integer, nullable=False),
    Column("host", String(255), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)


# -- the review app (issue 15): people, queues, their items, and what people decided -------------
# Tables of their own, so that stores written before them open unchanged. Verdicts, assignments
# and audit events are only ever inserted: a changed verdict is a new row, the latest counts.

review_users = Table(
    "review_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # annotator / reviewer / admin
    Column("password_hash", String(255), nullable=False),  # Argon2id, never the password
    Column("created_at", DateTime(timezone=True), nullable=False),
)

review_queues = Table(
    "review_queues",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("run_id", String(64), ForeignKey("runs.id"), nullable=False),
    Column("kind", String(32), nullable=False),  # manual / refusal / content / calibration-…
    Column("decision", String(16), nullable=False),  # content (合格/不合格) / refusal
    Column("second_share", Float, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

review_items = Table(
    "review_items",
    metadata,
    Column("queue_id", String(64), ForeignKey("review_queues.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("question_id", String(255), nullable=False),
    Column("second", Boolean, nullable=False),  # drawn for a blind second review
)

review_assignments = Table(  # who may work a queue, and from when (appended, never changed)
    "review_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("queue_id", String(64), ForeignKey("review_queues.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("review_users.id"), nullable=False),
    Column("active", Boolean, nullable=False),  # False: the assignment was withdrawn
    Column("created_by", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

review_verdicts = Table(
    "review_verdicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("queue_id", String(64), ForeignKey("review_queues.id"), nullable=False, index=True),
    Column("question_id", String(255), nullable=False),
    Column("user_id", Integer, ForeignKey("review_users.id"), nullable=False),
    Column("stage", String(16), nullable=False),  # first / second / adjudication
    Column(
        "label", String(16), nullable=False
    ),  # qualified / unqualified / refused / answered / partial
    Column("risk_ids", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("answer_sha256", String(64), nullable=False),  # the answer the person saw
    Column("created_at", DateTime(timezone=True), nullable=False),
)

review_audit = Table(
    "review_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(255)),  # who (None: nobody logged in)
    Column("action", String(32), nullable=False),  # login / login_failed / verdict / …
    Column("queue_id", String(64)),
    Column("question_id", String(255)),
    Column("before", JSON),
    Column("after", JSON),
)

guard_users = Table(  # 7.g.1: each guarded service user's count of banned inputs (assay guard);
    # tables of their own, so that stores written before them open unchanged
    "guard_users",
    metadata,
    Column("user", String(255), primary_key=True),  # "key:<sha256 prefix>", "user:<id>", "ip:..."
    Column("consecutive", Integer, nullable=False),  # banned inputs in a row
    Column("day", String(10), nullable=False),  # the day day_count counts (YYYY-MM-DD, local)
    Column("day_count", Integer, nullable=False),  # banned inputs that day
    Column("suspended_until", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

guard_suspensions = Table(  # every suspension the guard imposed: the 7.g.1 evidence
    "guard_suspensions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(255), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("until", DateTime(timezone=True), nullable=False),
    Column("reason", String(16), nullable=False),  # consecutive / per_day
    Column("consecutive", Integer, nullable=False),
    Column("day_count", Integer, nullable=False),
)

# -- the review app's working state (issue 15, second slice) --------------------------------------
# Derived from the verdicts above and rebuilt from them for a queue that lacks it
# (:meth:`assay.store.reviewing.ReviewTables.ensure_built`), so that every page reads a few
# index entries instead of the whole queue. Unlike verdicts and audit events these rows do
# change: they are the queue's to-do list and counters, not its record.

review_work = Table(  # what is left to do: one row per (item, stage) awaiting a person
    "review_work",
    metadata,
    Column("queue_id", String(64), primary_key=True),
    Column("stage", String(16), primary_key=True),  # first / second / adjudication
    Column("position", Integer, primary_key=True),
    Column("question_id", String(255), nullable=False),
    Column("barred_a", Integer),  # people who may not take it: the first labeller (second
    Column("barred_b", Integer),  # review), both labellers (adjudication)
    Column("claimed_by", Integer),  # the person it is given to now, while the claim lasts
    Column("claimed_until", DateTime(timezone=True)),
)
Index("ix_review_work_claims", review_work.c.queue_id, review_work.c.claimed_by)

review_tallies = Table(  # the queue's progress counters, kept in the verdict's transaction
    "review_tallies",
    metadata,
    Column("queue_id", String(64), primary_key=True),
    Column("key", String(64), primary_key=True),  # items / labelled / … / user:ID
    Column("value", Integer, nullable=False),
)

review_marks = Table(  # the items each person labelled (first or second), for K / previous
    "review_marks",
    metadata,
    Column("queue_id", String(64), primary_key=True),
    Column("user_id", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
)

Index(
    "ix_review_verdicts_item",
    review_verdicts.c.queue_id,
    review_verdicts.c.question_id,
    review_verdicts.c.id,
)
Index("ix_review_verdicts_stage", review_verdicts.c.queue_id, review_verdicts.c.stage)
Index("ix_review_items_question", review_items.c.queue_id, review_items.c.question_id)
Index("ix_review_assignments_queue", review_assignments.c.queue_id, review_assignments.c.id)
Index("ix_review_audit_user", review_audit.c.user_name, review_audit.c.id)

# -- the review app's sessions and settings (issue 15, second slice) ------------------------------

review_sessions = Table(  # a logged-in browser: ended by logout, a password change, or its expiry
    "review_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's token, never the token
    Column("user_id", Integer, ForeignKey("review_users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

review_settings = Table(  # the app's own settings, e.g. the secret that signs its cookies
    "review_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
