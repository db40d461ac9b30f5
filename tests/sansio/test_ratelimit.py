"""Rate limits as pure functions: parsing "5/minute", the sliding log's decisions, the stored
state and the store URLs — tables."""

from __future__ import annotations

import pytest

from kite.sansio.ratelimit import (
    MAX_LIMIT,
    Decision,
    Rate,
    RateState,
    decide,
    decode_state,
    encode_state,
    expires_after,
    parse_rate,
    parse_store,
)


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [
        ("5/minute", 5, 60),
        ("5/min", 5, 60),
        ("5/m", 5, 60),
        ("100/hour", 100, 3600),
        ("1000/day", 1000, 86400),
        ("10/second", 10, 1),
        ("10 per second", 10, 1),
        ("3/10 minutes", 3, 600),
        ("3/10minutes", 3, 600),
        (" 7 / 2 h ", 7, 7200),
        ("1/s", 1, 1),
        ("5/MINUTE", 5, 60),
        (f"{MAX_LIMIT}/day", MAX_LIMIT, 86400),
    ],
)
def test_rates_parse(text: str, limit: int, period: int) -> None:
    rate = parse_rate(text)
    assert (rate.limit, rate.period, rate.text) == (limit, period, text.strip())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5", "invalid rate '5'"),
        ("five/minute", "invalid rate"),
        ("5/fortnight", "invalid rate"),
        ("5/", "invalid rate"),
        ("/minute", "invalid rate"),
        ("-5/minute", "invalid rate"),
        ("1.5/minute", "invalid rate"),
        ("0/minute", "must be ≥ 1"),
        ("5/0 minutes", "must be ≥ 1"),
        (f"{MAX_LIMIT + 1}/day", f"at most {MAX_LIMIT}"),
        ("", "invalid rate"),
    ],
)
def test_bad_rates_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_rate(text)
    if "invalid rate" in message and "≥" not in str(caught.value):
        assert "'5/minute'" in str(caught.value)


def test_a_rate_must_be_a_string() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_rate(5)  # type: ignore[arg-type]


FIVE = Rate(limit=5, period=60, text="5/minute")


def _run(rate: Rate, times: list[float]) -> list[Decision]:
    state = RateState()
    decisions = []
    for now in times:
        state, decision = decide(rate, state, now)
        decisions.append(decision)
    return decisions


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        # Five pass, the sixth within the minute is refused (and is the one to log); the
        # seventh is refused too but not logged again.
        (
            [0, 1, 2, 3, 4, 5, 6],
            [(True, 0, False)] * 5 + [(False, 55, True), (False, 54, False)],
        ),
        # Not a clock minute: five at :59 then one at 1:00 is still six within a minute.
        ([59, 59, 59, 59, 59, 60], [(True, 0, False)] * 5 + [(False, 59, True)]),
        # The oldest attempt leaving the period lets exactly one more in.
        ([0, 10, 20, 30, 40, 60.5, 61], [(True, 0, False)] * 6 + [(False, 9, True)]),
        # A whole period after the last allowed attempt, all is forgotten.
        ([0, 0, 0, 0, 0, 0, 120], [(True, 0, False)] * 5 + [(False, 60, True), (True, 0, False)]),
        # Fractions of a second round up: never Retry-After: 0.
        ([0, 0, 0, 0, 0, 59.9], [(True, 0, False)] * 5 + [(False, 1, True)]),
        # After being let in again, the next run of refusals is logged again.
        (
            [0, 0, 0, 0, 0, 1, 60, 60, 60, 60, 60, 61],
            [(True, 0, False)] * 5
            + [(False, 59, True)]
            + [(True, 0, False)] * 5
            + [(False, 59, True)],
        ),
    ],
)
def test_sliding_log_decisions(times: list[float], expected: list[tuple[bool, int, bool]]) -> None:
    decisions = _run(FIVE, times)
    assert [(d.allowed, d.retry_after, d.first_refusal) for d in decisions] == expected


def test_refused_attempts_are_not_recorded() -> None:
    state = RateState(stamps=(0, 1, 2, 3, 4))
    after, decision = decide(FIVE, state, 10)
    assert not decision.allowed
    assert after.stamps == state.stamps
    assert after.reported


def test_a_clock_that_went_back_does_not_count_future_stamps() -> None:
    # A stamp later than now (another machine's clock ahead) is not held against the key.
    state = RateState(stamps=(100, 100, 100, 100, 100))
    _, decision = decide(FIVE, state, 50)
    assert decision.allowed


@pytest.mark.parametrize(
    ("state", "now", "expires"),
    [
        (RateState(stamps=(10.0,)), 10.0, 60.0),
        (RateState(stamps=(0.0, 30.0)), 40.0, 50.0),
        (RateState(), 5.0, 60.0),
        (RateState(stamps=(0.0,)), 100.0, 1.0),
    ],
)
def test_expiry(state: RateState, now: float, expires: float) -> None:
    assert expires_after(FIVE, state, now) == expires


@pytest.mark.parametrize(
    "state",
    [RateState(), RateState(stamps=(1.5, 2.25), reported=True), RateState(stamps=(1e9,))],
)
def test_state_round_trips(state: RateState) -> None:
    assert decode_state(encode_state(state)) == state
    assert decode_state(encode_state(state).encode()) == state


@pytest.mark.parametrize(
    "stored", [None, "", b"", "not json", "[]", '{"t": "x", "r": 1}', '{"t": [1]}', "null"]
)
def test_unreadable_state_is_an_empty_key(stored: str | bytes | None) -> None:
    assert decode_state(stored) == RateState()


@pytest.mark.parametrize(
    ("value", "kind", "target"),
    [
        ("memory", "memory", ""),
        (" memory ", "memory", ""),
        ("sqlite:///app.db", "sqlite", "app.db"),
        ("sqlite:///data/app.db", "sqlite", "data/app.db"),
        ("sqlite:////var/lib/app.db", "sqlite", "/var/lib/app.db"),
        ("postgresql://kite@db/app", "postgresql", "postgresql://kite@db/app"),
        ("postgres://kite@db/app", "postgresql", "postgres://kite@db/app"),
        ("redis://127.0.0.1:6379/0", "redis", "redis://127.0.0.1:6379/0"),
        ("rediss://cache:6380", "redis", "rediss://cache:6380"),
        ("unix:///run/redis.sock", "redis", "unix:///run/redis.sock"),
    ],
)
def test_store_urls(value: str, kind: str, target: str) -> None:
    assert parse_store(value) == (kind, target)


@pytest.mark.parametrize(
    "value", ["", "Memory", "sqlite://", "sqlite:///", "mysql://db/app", "redis://", "app.db", 5]
)
def test_bad_store_urls(value: str) -> None:
    with pytest.raises(ValueError, match="names no store"):
        parse_store(value)
