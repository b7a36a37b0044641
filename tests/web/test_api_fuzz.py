"""Issue 25: a Hypothesis test of the API from its own OpenAPI schema (schemathesis, in-process): at least
1,000 generated requests over every operation, no 500 and no hang.

The requests are generated from `/openapi.json` (positive and negative cases: wrong types, missing fields,
values out of range) and sent to the app in this process. A server error is any 5xx but 503 (the job queue
is full: a stated, retryable refusal) and 504 (a negotiation request over its timeout); a hang is an answer
slower than HANG_SECONDS. Seeded (derandomize), so a failure repeats.
"""

from __future__ import annotations

import math
import time

import pytest

schemathesis = pytest.importorskip("schemathesis")

#: Requests the test sends in all, at least (spread evenly over the operations).
REQUESTS = 1_000
#: Slower than this is a hang (the slowest valid request, a scenario page, takes a few seconds).
HANG_SECONDS = 30.0
#: Refusals that are answers, not server errors.
STATED = (503, 504)


@pytest.fixture(scope="module")
def fuzz_app(_private_cache, tmp_path_factory):
    from multivector.web import create_app

    return create_app(cache_dir=tmp_path_factory.mktemp("fuzz"), workers=1, warm=False, max_queue=4,
                      allowed_hosts=("testserver",))


@pytest.mark.slow   # about a minute of CPU (make test runs it)
def test_api_answers_generated_requests_without_500_or_hang(fuzz_app):
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 20, [op.label for op in operations]
    per = 2 * math.ceil(REQUESTS / len(operations))   # an operation without parameters gives fewer
    sent, slowest, bad = 0, (0.0, ""), []

    for op in operations:
        @settings(max_examples=per, deadline=None, database=None, derandomize=True, print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def one(case):
            nonlocal sent, slowest
            t0 = time.monotonic()
            response = case.call()
            took = time.monotonic() - t0
            sent += 1
            slowest = max(slowest, (took, f"{case.method} {case.formatted_path}"))
            if response.status_code >= 500 and response.status_code not in STATED:
                bad.append(f"{response.status_code} {case.method} {case.formatted_path}: {response.text[:300]}")
            assert took < HANG_SECONDS, f"{case.method} {case.formatted_path} took {took:.0f} s"

        one()
    assert not bad, "\n".join(bad[:10])
    assert sent >= REQUESTS, sent
    print(f"{sent} requests over {len(operations)} operations; slowest {slowest[0]:.1f} s ({slowest[1]})")
