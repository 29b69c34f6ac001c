"""The run's budget: requests are reserved before they are sent; tokens reserved for requests
in flight keep the concurrency from passing the token cap."""

from __future__ import annotations

import asyncio

from assay.targets.limits import Budget


def test_requests_are_reserved_up_to_the_cap_across_event_loops() -> None:
    budget = Budget(max_requests=3)

    async def take(n: int) -> list[bool]:
        tickets = [await budget.reserve() for _ in range(n)]
        for ticket in tickets:
            if ticket is not None:
                await budget.settle(ticket, 10)
        return [t is not None for t in tickets]

    assert asyncio.run(take(2)) == [True, True]
    assert asyncio.run(take(2)) == [True, False]  # a second loop, the same budget
    assert (budget.requests, budget.tokens, budget.reached()) == (3, 30, True)


def test_a_token_cap_lets_the_first_request_go_alone() -> None:
    budget = Budget(max_tokens=100)

    async def go() -> list[str]:
        order: list[str] = []
        first = await budget.reserve()
        assert first is not None
        waiting = asyncio.ensure_future(budget.reserve())
        await asyncio.sleep(0)  # let it try: it must wait for the first to be billed
        order.append("second waits" if not waiting.done() else "second went")
        await budget.settle(first, 60)
        second = await waiting
        order.append("second sent" if second is not None else "second refused")
        assert second is not None
        await budget.settle(second, 60)
        order.append("third refused" if await budget.reserve() is None else "third sent")
        return order

    assert asyncio.run(go()) == ["second waits", "second sent", "third refused"]
    assert budget.tokens == 120  # passed by one reply at most, never by the concurrency


def test_a_halt_stops_every_new_request() -> None:
    budget = Budget()

    async def go() -> object:
        await budget.halt("the run stopped: HTTP 401")
        return await budget.reserve()

    assert asyncio.run(go()) is None
    assert budget.halted == "the run stopped: HTTP 401"
