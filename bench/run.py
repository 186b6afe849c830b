"""Load-test Hearth under gunicorn, as production runs it, and print one table.

    .venv/bin/python bench/run.py                       # SQLite file in /tmp, seeded once
    .venv/bin/python bench/run.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

What it does, all on this machine and all bounded in time:

1. Seeds the database with ``bench/seed.py`` when it has no accounts yet (20 counselors x
   25 couples x 52 weeks by default; ``--reseed`` starts again from empty).
2. Starts gunicorn on 127.0.0.1 with ``gunicorn.conf.py`` (the production settings) and
   ``bench.serving`` (the production app plus a do-nothing route and a worker-pid header).
3. Signs in a counselor and a partner through the real sign-in form.
4. Drives each target with ``wrk`` for a fixed time (``--duration`` seconds, ``--connections``
   connections, loopback only): the floor (a route that does nothing), the partner's week, an
   HTMX card action (POST), the counselor's couple page, the dashboard, and a summary PDF
   from the cache and drawn anew.
5. Measures bytes per response (raw, brotli, gzip) over HTTP and SQL statements per request
   in-process, then stops gunicorn and prints the table with each target's throughput as a
   share of the floor measured in the same run.

``--scale`` instead times the dashboard and the couple page in-process as the data grows
(1x, 10x, 100x weeks of history, and 1x, 10x, 100x couples in the practice).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from bench import seed as seeding  # noqa: E402
from bench import serving  # noqa: E402
from bench.client import HOST, Client, csrf_from, run_gunicorn  # noqa: E402
from bench.serving import (  # noqa: E402
    AUDITED_PATH,
    COUPLE_READ_PATH,
    COUPLE_STORED_PATH,
    DASHBOARD_READ_PATH,
    FLOOR_PATH,
    PARTNER_PATH,
    RATING_WRITE_PATH,
    SIGNED_IN_PATH,
    WEEK_READ_PATH,
    WEEK_STORED_PATH,
)
from domain.homework import couple_week  # noqa: E402
from extensions import db  # noqa: E402
from kinds.needs.models import Need  # noqa: E402
from models import CounselingSession, Couple, Partner, SummaryPdf, User  # noqa: E402
from tests.query_counter import QueryCounter  # noqa: E402

GOALS = (
    "issue #16, by server CPU against the floor's in the same run: This week and an HTMX "
    "action >= 15% (and p95 <= 100 ms), the couple page and the dashboard >= 10%, a cached "
    "PDF >= 30%; a dashboard of N couples at most twice the 25-couple one"
)


@dataclass
class Target:
    name: str
    path: str
    who: str  # "counselor", "partner" or "" (no sign-in)
    method: str = "GET"
    htmx: bool = False
    bodies: list[str] = field(default_factory=list)  # POST: alternated request by request
    paths: list[str] = field(default_factory=list)  # a fresh path for every request
    cpu_goal: float | None = None  # the least share of the floor's CPU cost (issue #16)
    p95_goal: float | None = None  # the most p95 latency, ms
    twice_of: str = ""  # at most twice the CPU cost of this target (the dashboard's growth)
    bound: bool = False  # a lower bound to read the targets against, not a page
    result: dict = field(default_factory=dict)


# --- gunicorn ------------------------------------------------------------------------------


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far, from /proc.

    Workers that already exited are in the master's children's time. Wall-clock throughput
    depends on whatever else the machine is doing; CPU seconds per request hardly does.
    """
    ticks = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) != process.pid:  # process group: the master's own
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if int(entry.name) == process.pid:
            ticks += int(fields[13]) + int(fields[14])  # exited workers' utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- wrk -----------------------------------------------------------------------------------

LUA = """
wrk.method = "{method}"
{headers}
local paths = {{ {paths} }}
local bodies = {{ {bodies} }}
local n = 0
request = function()
  n = n + 1
  local path = nil
  if #paths > 0 then path = paths[(n % #paths) + 1] end
  if #bodies > 0 then
    return wrk.format(nil, path, nil, bodies[(n % #bodies) + 1])
  end
  return wrk.format(nil, path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HEARTH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for our values


def wrk(target: Target, port: int, client: Client | None, args, duration: float, folder: Path):
    headers = {"Accept-Encoding": "br, gzip"}
    if client is not None:
        headers["Cookie"] = client.cookie_header()
    if target.method == "POST":
        headers["X-CSRFToken"] = client.csrf
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if target.htmx:
        headers["HX-Request"] = "true"
    script = folder / (re.sub(r"\W+", "-", target.name) + ".lua")
    script.write_text(
        LUA.format(
            method=target.method,
            headers="\n".join(
                f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()
            ),
            paths=", ".join(lua_string(p) for p in target.paths),
            bodies=", ".join(lua_string(b) for b in target.bodies),
        )
    )
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://{HOST}:{port}{target.path}",
    ]
    output = subprocess.run(  # noqa: S603 - wrk against our own loopback server
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("HEARTH "))
    requests, micros, p50, p95, p99, socket_errors, status_errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": socket_errors + status_errors,
    }


# --- bytes and queries ---------------------------------------------------------------------


def sizes(target: Target, port: int, client: Client | None) -> dict:
    """Body bytes of one response, raw and compressed, and the response headers' bytes."""
    out = {}
    for label, encoding in (("raw", "identity"), ("br", "br"), ("gzip", "gzip")):
        headers = {"Accept-Encoding": encoding}
        body = ""
        if target.method == "POST":
            headers["X-CSRFToken"] = client.csrf
            body = target.bodies[0]
        if target.htmx:
            headers["HX-Request"] = "true"
        path = target.paths[0] if target.paths else target.path
        answer = (client or Client(port)).request(target.method, path, body, headers)
        if answer.status != 200:
            raise RuntimeError(f"{target.name}: {path} answered {answer.status}")
        if label != "raw" and answer.headers["Content-Encoding"] not in (encoding, None):
            raise RuntimeError(f"{target.name}: asked for {encoding}, got {dict(answer.headers)}")
        out[label] = len(answer.body)
        out["headers"] = answer.header_bytes
    return out


def first_visit(port: int) -> dict:
    """What a phone downloads the first time it opens Hearth: the sign-in page and every
    file it links to (stylesheet, scripts, icon), per encoding, bodies and headers."""
    page = Client(port).get("/login").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    total = {}
    for encoding in ("identity", "br", "gzip"):
        body = headers = 0
        for path in ["/login", *assets]:
            answer = Client(port).get(path, headers={"Accept-Encoding": encoding})
            assert answer.status == 200, (path, answer.status)
            body += len(answer.body)
            headers += answer.header_bytes
        total[encoding] = (body, headers)
    return {"files": ["/login", *assets], "bytes": total}


def in_process_client(app, email: str, password: str):
    client = app.test_client()
    page = client.get("/login").data
    response = client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": email, "password": password}
    )
    assert response.status_code == 302, response.status_code
    page = client.get(response.headers["Location"], follow_redirects=True).data
    return client, csrf_from(page)


def query_counts(app, targets: list[Target], data: SimpleNamespace, password: str) -> None:
    """SQL statements per request for each target, counted in this process."""
    people = [("counselor", data.counselor_email), ("partner", data.partner_email)]
    if data.many:
        people.append(("many", many_email(data.many)))
    clients = {who: in_process_client(app, email, password) for who, email in people}
    for target in targets:
        if not target.who:
            client, csrf = app.test_client(), ""
        else:
            client, csrf = clients[target.who]
        path = target.paths[-1] if target.paths else target.path
        headers = {"HX-Request": "true"} if target.htmx else {}
        kwargs = {"headers": headers}
        if target.method == "POST":
            headers["X-CSRFToken"] = csrf
            kwargs["data"] = target.bodies[0]
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        if not target.paths:  # warm once: the first request may load things per process
            client.open(path, method=target.method, **kwargs)
        with app.app_context(), QueryCounter(db.engine) as counter:
            response = client.open(path, method=target.method, **kwargs)
        assert response.status_code == 200, (target.name, response.status_code)
        target.result["queries"] = counter.count


# --- the run -------------------------------------------------------------------------------


def many_email(couples: int) -> str:
    """The counselor ``--couples-per-counselor`` adds to the practice."""
    return f"counselor-of-{couples}@{seeding.DOMAIN}"


def bench_data(app, counselor: int = 1) -> SimpleNamespace:
    """Who signs in and which pages they load: counselor N, their first couple."""
    email = f"counselor{counselor}@{seeding.DOMAIN}"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        couples = db.session.scalars(
            select(Couple).where(Couple.counselor_id == user.id).order_by(Couple.id)
        ).all()
        couple = couples[0]
        partner = db.session.scalar(
            select(Partner).where(Partner.couple_id == couple.id, Partner.place == 1)
        )
        need = db.session.scalar(select(Need).where(Need.owner_id == partner.id).order_by(Need.id))
        sessions = db.session.execute(
            select(CounselingSession.couple_id, CounselingSession.id)
            .where(CounselingSession.couple_id.in_([c.id for c in couples]))
            .order_by(CounselingSession.id)
        ).all()
        latest = max(s.id for s in sessions if s.couple_id == couple.id)
        return SimpleNamespace(
            counselor_email=email,
            partner_email=partner.user.email,
            couple_id=couple.id,
            week=couple_week(couple).start.isoformat(),
            need_id=need.id,
            latest_session=latest,
            sessions=[(s.couple_id, s.id) for s in sessions if s.id != latest],
        )


def targets_for(data: SimpleNamespace, many: int | None = None) -> list[Target]:
    pdf = "/counselor/couples/{}/sessions/{}/summary-counselor.pdf"
    key = f"rating-{data.need_id}"
    rating = "{k}-rating={r}&{k}-comment=&{k}-comment_visibility=shared"
    return [
        Target("floor (no DB)", FLOOR_PATH, ""),
        # Lower bounds: what a page must do before drawing anything (``bench.serving``).
        Target("bound: signed in", SIGNED_IN_PATH, "counselor", bound=True),
        Target("bound: signed in + audit row", AUDITED_PATH, "counselor", bound=True),
        Target("bound: partner signed in, policy checked", PARTNER_PATH, "partner", bound=True),
        Target("bound: This week read, not drawn", WEEK_READ_PATH, "partner", bound=True),
        Target("bound: This week, stored copy", WEEK_STORED_PATH, "partner", bound=True),
        Target(
            "bound: HTMX rating written, not drawn",
            RATING_WRITE_PATH.format(data.week, data.need_id),
            "partner",
            method="POST",
            htmx=True,
            bodies=[rating.format(k=key, r="met"), rating.format(k=key, r="partly")],
            bound=True,
        ),
        Target(
            "bound: couple page read, not drawn",
            COUPLE_READ_PATH.format(data.couple_id),
            "counselor",
            bound=True,
        ),
        Target(
            "bound: couple page, stored copy",
            COUPLE_STORED_PATH.format(data.couple_id),
            "counselor",
            bound=True,
        ),
        Target("bound: dashboard read, not drawn", DASHBOARD_READ_PATH, "counselor", bound=True),
        *(
            [
                Target(
                    f"bound: dashboard read, {many} couples",
                    DASHBOARD_READ_PATH,
                    "many",
                    bound=True,
                )
            ]
            if many
            else []
        ),
        Target("partner: This week", "/week", "partner", cpu_goal=0.15, p95_goal=100),
        Target(
            "partner: HTMX rating (POST)",
            f"/week/{data.week}/needs/{data.need_id}/rating",
            "partner",
            method="POST",
            htmx=True,
            bodies=[rating.format(k=key, r="met"), rating.format(k=key, r="partly")],
            cpu_goal=0.15,
            p95_goal=100,
        ),
        Target(
            "counselor: couple page",
            f"/counselor/couples/{data.couple_id}",
            "counselor",
            cpu_goal=0.10,
        ),
        Target("counselor: dashboard", "/counselor/", "counselor", cpu_goal=0.10),
        *(
            [
                Target(
                    f"counselor: dashboard, {many} couples",
                    "/counselor/",
                    "many",
                    twice_of="counselor: dashboard",
                )
            ]
            if many
            else []
        ),
        Target(
            "PDF summary, cached",
            pdf.format(data.couple_id, data.latest_session),
            "counselor",
            cpu_goal=0.30,
        ),
        Target(
            "PDF summary, drawn anew",
            pdf.format(data.couple_id, data.latest_session),
            "counselor",
            paths=[pdf.format(c, s) for c, s in data.sessions],
        ),
    ]


def prepare_database(args) -> None:
    app = seeding.bench_app(args.database_url)
    with app.app_context():
        from flask_migrate import upgrade

        if not args.reseed:
            upgrade()
            has_accounts = db.session.scalar(select(func.count(User.id)))
            if has_accounts:
                print(f"Using the {has_accounts:,} accounts already in {args.database_url}")
                # Every PDF is drawn anew in this run unless the run itself cached it.
                db.session.execute(delete(SummaryPdf))
                db.session.commit()
                db.engine.dispose()
                return
        db.engine.dispose()
    options = SimpleNamespace(
        counselors=args.counselors,
        couples=args.couples,
        weeks=args.weeks,
        seed=args.seed,
        password=seeding.BENCH_PASSWORD,
        reset=args.reseed,
        now=datetime.now(UTC),
    )
    practice = seeding.prepare(app, options)
    print(
        f"Seeded {practice.counselors} counselors, {practice.couples} couples, "
        f"{practice.weeks} weeks: {sum(practice.rows.values()):,} rows in "
        f"{practice.seconds:.1f} s"
    )


def run(args) -> list[Target]:
    args.load_before = f"{os.getloadavg()[0]:.2f}"
    prepare_database(args)
    app = serving.create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": seeding.BENCH_SECRET_KEY}
    )
    if args.couples_per_counselor:
        options = SimpleNamespace(
            weeks=args.weeks, seed=args.seed, password=seeding.BENCH_PASSWORD, now=datetime.now(UTC)
        )
        added = seeding.add_counselor(
            seeding.bench_app(args.database_url),
            many_email(args.couples_per_counselor),
            args.couples_per_counselor,
            options,
        )
        if added:
            print(f"Added a counselor with {args.couples_per_counselor} couples")
    data = bench_data(app)
    data.many = args.couples_per_counselor
    targets = targets_for(data, args.couples_per_counselor)
    if args.only:
        targets = [
            t for t in targets if t.name == targets[0].name or t.bound or args.only in t.name
        ]
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    with run_gunicorn(
        args.database_url,
        folder / "gunicorn.log",
        args.workers,
        SECRET_KEY=secrets.token_urlsafe(48),
        # A benchmark signs in a handful of times; no throttle should get in the way.
        HEARTH_LOGIN_THROTTLE="0",
        # A recycled worker spends a second of CPU importing the app again; keep that out of
        # whichever target happens to be running (production recycles every ~1000 requests).
        HEARTH_MAX_REQUESTS="0",
    ) as server:
        port, process = server.port, server.process
        clients = {}
        people = [("counselor", data.counselor_email), ("partner", data.partner_email)]
        if data.many:
            people.append(("many", many_email(data.many)))
        for who, email in people:
            clients[who] = Client(port, timeout=60)
            clients[who].sign_in(email, seeding.BENCH_PASSWORD)
        for target in targets:
            client = clients.get(target.who)
            target.result.update(sizes(target, port, client))  # also warms the cache
            if not target.paths:
                wrk(target, port, client, args, min(2, args.duration), folder)  # warm-up
            cpu = server_cpu_seconds(process)
            target.result.update(wrk(target, port, client, args, args.duration, folder))
            cpu = server_cpu_seconds(process) - cpu
            target.result["cpu_ms"] = cpu * 1000 / max(target.result["requests"], 1)
            print(f"  measured {target.name}", file=sys.stderr)
        visit = first_visit(port)
    query_counts(app, targets, data, seeding.BENCH_PASSWORD)
    shutil.rmtree(folder, ignore_errors=True)
    report(args, targets, visit)
    return targets


def report(args, targets: list[Target], visit: dict) -> None:
    floor = targets[0].result["rps"]
    dialect = args.database_url.split(":", 1)[0].split("+", 1)[0]
    print()
    print("$ " + " ".join(["bench/run.py", *sys.argv[1:]]))
    print(f"load average before/after: {args.load_before} / {os.getloadavg()[0]:.2f}")
    print(
        f"Hearth under gunicorn ({args.workers or 'default'} workers), {dialect}, "
        f"{os.cpu_count()} cores; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration:g}s per target; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print()
    floor_cpu = targets[0].result["cpu_ms"]
    print(
        "| target | req/s | × floor | p50 ms | p95 ms | p99 ms | errors | "
        "server CPU ms/req | × floor (CPU) | bytes raw | br | gzip | queries | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in targets:
        r = t.result
        share = r["rps"] / floor
        cpu_share = floor_cpu / r["cpu_ms"] if r["cpu_ms"] else 0
        met = r["errors"] == 0
        if t.cpu_goal is not None:
            met = met and cpu_share >= t.cpu_goal
        if t.p95_goal is not None:
            met = met and r["p95"] <= t.p95_goal
        if t.twice_of:
            base = next((b for b in targets if b.name == t.twice_of), None)
            met = met and base is not None and r["cpu_ms"] <= 2 * base.result["cpu_ms"]
        if t is targets[0]:
            goal = "floor"
        elif t.bound:
            goal = "lower bound"
        elif t.cpu_goal is None and not t.twice_of:
            goal = "see PDF ratio"
        else:
            goal = "met" if met else "MISSED"
        print(
            f"| {t.name} | {r['rps']:,.0f} | {share:.0%} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']} | {r['cpu_ms']:.2f} | {cpu_share:.0%} | "
            f"{r['raw']:,} | {r['br']:,} | {r['gzip']:,} | "
            f"{r.get('queries', '-')} | {goal} |"
        )
    print()
    print(f"Goals: {GOALS}.")
    print(
        "× floor (CPU): the floor's server CPU per request over the target's, i.e. the share "
        "of the floor's throughput the target would reach on otherwise idle cores."
    )
    fragment = next((t for t in targets if t.htmx and not t.bound), None)
    if fragment:
        r = fragment.result
        print(
            f"HTMX fragment: {r['raw']:,} bytes raw, {r['br']:,} br, {r['gzip']:,} gzip "
            f"(goal <= 4 KB: {'met' if r['br'] <= 4096 else 'MISSED'} compressed, "
            f"{'met' if r['raw'] <= 4096 else 'missed'} raw)"
        )
    names = ", ".join(visit["files"])
    print(f"First phone visit ({names}):")
    for encoding, (body, headers) in visit["bytes"].items():
        verdict = ""
        if encoding != "identity":
            verdict = f"  goal <= 40 KB: {'met' if body <= 40 * 1024 else 'MISSED'}"
        print(
            f"  {encoding:8} {body / 1024:6.1f} KB bodies + {headers / 1024:4.1f} KB headers"
            f"{verdict}"
        )


# --- growth --------------------------------------------------------------------------------


def time_pages(app, email: str, password: str, couple_id: int, runs: int) -> dict:
    client, _csrf = in_process_client(app, email, password)
    out = {}
    for name, path in (
        ("dashboard", "/counselor/"),
        ("couple page", f"/counselor/couples/{couple_id}"),
    ):
        client.get(path)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        with app.app_context(), QueryCounter(db.engine) as counter:
            client.get(path)
        out[name] = (statistics.median(times), min(times), counter.count)
    return out


def scale(args) -> None:
    """The same counselor's pages while the data around them grows 10x and 100x."""
    steps = [
        ("weeks", 1, dict(counselors=1, couples=25, weeks=52)),
        ("weeks", 10, dict(counselors=1, couples=25, weeks=520)),
        ("weeks", 100, dict(counselors=1, couples=25, weeks=5200)),
        ("couples", 1, dict(counselors=1, couples=25, weeks=52)),
        ("couples", 10, dict(counselors=10, couples=25, weeks=52)),
        ("couples", 100, dict(counselors=100, couples=25, weeks=52)),
    ]
    if args.scale_max < 100:
        steps = [s for s in steps if s[1] <= args.scale_max]
    rows = []
    for dimension, factor, size in steps:
        options = SimpleNamespace(
            **size,
            seed=args.seed,
            password=seeding.BENCH_PASSWORD,
            reset=True,
            now=datetime.now(UTC),
        )
        app = seeding.bench_app(args.database_url)
        practice = seeding.prepare(app, options)
        data = bench_data(app)
        timed = time_pages(app, data.counselor_email, seeding.BENCH_PASSWORD, data.couple_id, 30)
        rows.append((dimension, factor, size, sum(practice.rows.values()), timed))
        print(f"  {dimension} x{factor}: {sum(practice.rows.values()):,} rows", file=sys.stderr)
        with app.app_context():
            db.engine.dispose()
    dialect = args.database_url.split(":", 1)[0].split("+", 1)[0]
    print()
    print(
        f"Growth, in-process (Flask test client), {dialect}; median / fastest of 30 requests "
        "(the fastest is the least disturbed by anything else running)"
    )
    print()
    print(
        "| grows | × | counselors × couples × weeks | rows | dashboard ms | queries | "
        "couple page ms | queries |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for dimension, factor, size, count, timed in rows:
        d, c = timed["dashboard"], timed["couple page"]
        print(
            f"| {dimension} | {factor} | {size['counselors']} × {size['couples']} × "
            f"{size['weeks']} | {count:,} | {d[0]:.1f} / {d[1]:.1f} | {d[2]} | "
            f"{c[0]:.1f} / {c[1]:.1f} | {c[2]} |"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--database-url",
        default=f"sqlite:///{tempfile.gettempdir()}/hearth-bench.db",
        help="a database for benchmarks only (default: a SQLite file in the temp folder)",
    )
    p.add_argument("--duration", type=float, default=8, help="seconds of load per target")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves a core)")
    p.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    p.add_argument("--reseed", action="store_true", help="drop everything and seed again")
    p.add_argument("--counselors", type=int, default=20)
    p.add_argument("--couples", type=int, default=25)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--only", help="run the floor and the targets whose name contains this")
    p.add_argument(
        "--couples-per-counselor",
        type=int,
        help="add a counselor with this many couples and time their dashboard too",
    )
    p.add_argument("--scale", action="store_true", help="time pages as the data grows instead")
    p.add_argument("--scale-max", type=int, default=100, help="largest growth factor (--scale)")
    args = p.parse_args()
    if not shutil.which("wrk") and not args.scale:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    if args.scale:
        scale(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
