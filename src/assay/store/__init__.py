"""The run store: every planned item, reply, verdict and review, written as it happens."""

from assay.store.runstore import ReplyRecord, RunStore, VerdictRecord

__all__ = ["ReplyRecord", "RunStore", "VerdictRecord"]
