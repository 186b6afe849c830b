"""Profile one benchmark target in one process: CPU time per request and where it goes.

    .venv/bin/python bench/profiling.py --database-url postgresql+psycopg://postgres@127.0.0.1/hearth_bench
    .venv/bin/python bench/profiling.py --only "This week" --requests 200 --top 40

It uses the database ``bench/run.py`` seeded (run that first), the same targets and the
same sign-in, through Flask's test client. Times are the process's CPU time
(``time.process_time``), so other work on the machine moves them much less than wall
time; each target also prints its Python function calls per request, which do not move
with the load at all. ``--profile`` adds cProfile's top functions by own and cumulative
time for each target.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402
from bench import seed as seeding  # noqa: E402
from bench import serving  # noqa: E402


def requests_of(app, target, clients):
    """A function that sends one request of ``target`` and checks it succeeded."""
    if not target.who:
        client, csrf = app.test_client(), ""
    else:
        client, csrf = clients[target.who]
    headers = {"HX-Request": "true"} if target.htmx else {}
    turn = {"n": 0}

    def one():
        kwargs = {"headers": dict(headers)}
        if target.method == "POST":
            kwargs["headers"]["X-CSRFToken"] = csrf
            kwargs["data"] = target.bodies[turn["n"] % len(target.bodies)]
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        turn["n"] += 1
        response = client.open(target.path, method=target.method, **kwargs)
        assert response.status_code == 200, (target.name, response.status_code)
        return response

    return one


def calls_of(profile: cProfile.Profile) -> int:
    return sum(row[1] for row in profile.getstats())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", required=True, help="the database bench/run.py seeded")
    p.add_argument("--only", help="targets whose name contains this")
    p.add_argument("--requests", type=int, default=100, help="requests per target and round")
    p.add_argument("--rounds", type=int, default=3, help="best of this many rounds")
    p.add_argument("--couples-per-counselor", type=int, default=0)
    p.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    p.add_argument("--top", type=int, default=30)
    args = p.parse_args()
    app = serving.create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": seeding.BENCH_SECRET_KEY}
    )
    data = bench.bench_data(app)
    data.many = args.couples_per_counselor
    targets = [
        t
        for t in bench.targets_for(data, args.couples_per_counselor or None)
        if not t.paths and (not args.only or args.only in t.name or not t.who or t.bound)
    ]
    people = [("counselor", data.counselor_email), ("partner", data.partner_email)]
    if data.many:
        people.append(("many", bench.many_email(data.many)))
    clients = {
        who: bench.in_process_client(app, email, seeding.BENCH_PASSWORD) for who, email in people
    }
    print(f"| target | CPU ms/req (best of {args.rounds}) | × floor | calls/req |")
    print("|---|---:|---:|---:|")
    floor = None
    for target in targets:
        one = requests_of(app, target, clients)
        for _ in range(5):  # warm: caches per process, compiled templates
            one()
        best = min(_timed(one, args.requests) for _ in range(args.rounds))
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.requests):
            one()
        profile.disable()
        calls = calls_of(profile) / args.requests
        floor = floor or best
        print(f"| {target.name} | {best:.2f} | {floor / best:.0%} | {calls:,.0f} |", flush=True)
        if args.profile and target.who:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out)
                stats.sort_stats(order).print_stats(args.top)
                print(out.getvalue())


def _timed(one, count: int) -> float:
    start = time.process_time()
    for _ in range(count):
        one()
    return (time.process_time() - start) * 1000 / count


if __name__ == "__main__":
    main()
