"""python manage.py bench_http --tasks N

The pages of `bench` through a real server: gunicorn (production-like settings, 2 workers) over HTTP on loopback,
one request at a time with each user's session cookie, and the full export and the busiest quarter's report as
background jobs taken by a real Celery worker; prints p50 / p95 / mean per page, the jobs' figures and, last, the
line `bench_http: tasks=N home_p50_ms=... list_p50_ms=... ... export_s=... report_s=... failed=F quiet=yes|no
busy=...` (devtools/bench_http/, devtools/bench_jobs.py).

A command of its own rather than `bench --http`: its last line, options (warm-up, the quiet-machine limits, the
server's workers) and life cycle (a server started and stopped) are its own, and `bench`'s contract line and
rules (at least 30 requests, the sweep) stay as they are.
"""
from django.core.management.base import BaseCommand, CommandError

from devtools import bench_http


class Command(BaseCommand):
    help = "Đo thời gian phản hồi của các trang chính qua máy chủ thật (gunicorn, HTTP, cookie phiên đăng nhập)."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True, help="Số nhiệm vụ thử tải (ví dụ 100000).")
        parser.add_argument("--units", type=int, default=None, help="Số đơn vị (mặc định như generate_load).")
        parser.add_argument("--requests", type=int, default=bench_http.REQUESTS,
                            help=f"Số lần đo mỗi trang (mặc định {bench_http.REQUESTS}).")
        parser.add_argument("--warmup", type=int, default=bench_http.WARMUP,
                            help=f"Số lần gọi làm nóng mỗi trang (mặc định {bench_http.WARMUP}; 1 cho tệp Excel).")
        parser.add_argument("--export-requests", type=int, default=bench_http.EXPORT_REQUESTS,
                            help=f"Số lần đo tệp Excel xuất ra (mặc định {bench_http.EXPORT_REQUESTS}).")
        parser.add_argument("--only", default="", help="Chỉ đo các trang này (phân cách bằng dấu phẩy: list,detail; jobs: các tệp chạy nền).")
        parser.add_argument("--workers", type=int, default=2, help="Số worker gunicorn (mặc định 2).")
        parser.add_argument("--no-jobs", action="store_true",
                            help="Không đo việc xuất Excel toàn bộ và báo cáo quý chạy nền (Celery).")
        parser.add_argument("--max-load", type=float, default=bench_http.MAX_LOAD,
                            help="Chờ khi tải trung bình 1 phút cao hơn mức này.")
        parser.add_argument("--max-busy", type=float, default=bench_http.MAX_BUSY,
                            help="Và khi tỉ lệ thời gian CPU bận (trong 3 giây) cao hơn mức này (0-1).")
        parser.add_argument("--max-wait", type=float, default=bench_http.MAX_WAIT,
                            help="Chờ máy rảnh tối đa bao nhiêu giây (0: không chờ), rồi vẫn đo và ghi chú lại.")
        parser.add_argument("--max-other-cpu", type=float, default=bench_http.MAX_OTHER_CPU,
                            help="Đánh dấu trang mà trong lúc đo các tiến trình khác dùng quá số lõi CPU này.")

    def handle(self, *args, tasks, units, requests, warmup, export_requests, only, workers, no_jobs, max_load,
               max_busy, max_wait, max_other_cpu, **options):
        only_keys = {key.strip() for key in only.split(",") if key.strip()} or None
        try:
            _line, results = bench_http.run(
                tasks, units=units, requests=requests, warmup=warmup, export_requests=export_requests,
                workers=workers, only=only_keys, max_load=max_load, max_busy=max_busy, max_wait=max_wait,
                max_other_cpu=max_other_cpu, jobs=not no_jobs, out=lambda line: self.stdout.write(line))
        except bench_http.BenchError as exc:
            raise CommandError(str(exc))
        failed = [f"{result.key} ({result.state})" for result in results if result.state not in ("ok", "n/a")]
        if failed:
            raise CommandError(f"not a real page or file through gunicorn: {'; '.join(failed)}")
