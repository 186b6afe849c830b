"""How much the summary PDF costs beyond WeasyPrint itself.

For a couple with twelve weeks of homework, prints the median time to produce the
summary PDF (gather the data, render the template, draw the PDF; no cache) and the median
time of bare WeasyPrint drawing the very same HTML string, their ratio (goal: at most
1.3×), and the process's peak memory.

    .venv/bin/python bench/pdf.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weasyprint import HTML  # noqa: E402

from app import create_app  # noqa: E402
from domain.pdf import BASE_URL, StaticOnlyFetcher, render_pdf, summary_html  # noqa: E402
from domain.summary import COUNSELOR_COPY, build  # noqa: E402
from extensions import db  # noqa: E402
from tests import factories  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hearth-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-" + "x" * 40,
            "PASSWORD_HASH_PROFILE": "fast",
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()  # a throwaway database for the benchmark only
        counselor = factories.counselor()
        couple = factories.couple(counselor)
        made = factories.homework(couple)
        factories.history(couple, made, 12)
        session = factories.session(couple, focus="Twelve weeks in")
        db.session.commit()

        def summary_once() -> bytes:
            summary = build(session, COUNSELOR_COPY)
            return render_pdf(summary_html(summary))

        html = summary_html(build(session, COUNSELOR_COPY))

        def bare_once() -> bytes:
            fetcher = StaticOnlyFetcher(app.static_folder)
            return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()

        summary_once(), bare_once()  # warm up fonts and caches
        ours, bare = [], []
        size = len(summary_once())
        for run in range(args.runs):
            # Alternate which goes first so neither always pays for the other's garbage.
            pair = [(summary_once, ours), (bare_once, bare)]
            for work, times in pair if run % 2 == 0 else reversed(pair):
                start = time.perf_counter()
                work()
                times.append(time.perf_counter() - start)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours_ms, bare_ms = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    ratio = ours_ms / bare_ms
    print(f"summary PDF, 12 weeks ({size / 1024:.0f} KB, {args.runs} runs)")
    print(f"  summary (data + template + PDF)  median {ours_ms:8.1f} ms")
    print(f"  bare WeasyPrint, same HTML       median {bare_ms:8.1f} ms")
    print(f"  ratio                            {ratio:8.2f}x   (goal <= 1.3x)")
    print(f"  peak memory (process)            {peak_mb:8.0f} MB")
    sys.exit(0 if ratio <= 1.3 else 1)


if __name__ == "__main__":
    main()
