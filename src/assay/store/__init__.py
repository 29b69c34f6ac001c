"""The run store: every planned item, reply, verdict and review, written as it happens."""

from assay.store.runstore import ReplyRecord, ReviewRecord, RunStore, VerdictRecord

__all__ = ["ReplyRecord", "ReviewRecord", "RunStore", "VerdictRecord"]
