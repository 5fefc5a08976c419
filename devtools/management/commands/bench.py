"""python manage.py bench --tasks N

Loads N generated tasks if they are not there (generate_load), then measures every page's server time (p50, p95)
and query count, the floor and the admin changelist beside the task list, the daily reminder sweep, and the long
documents written as background jobs; with --http the same pages through gunicorn and the jobs through a real
Celery worker (devtools/bench_http); prints the tables and, last, the line `bench: tasks=N list_p95_ms=...
home_p95_ms=... export_s=... report_s=...` (devtools/bench.py).
"""
from django.core.management.base import BaseCommand, CommandError

from devtools import bench, bench_http


class Command(BaseCommand):
    help = "Đo thời gian phản hồi và số truy vấn của các trang chính trên cơ sở dữ liệu đang cấu hình."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True, help="Số nhiệm vụ thử tải (ví dụ 100000).")
        parser.add_argument("--units", type=int, default=None, help="Số đơn vị (mặc định như generate_load).")
        parser.add_argument("--requests", type=int, default=bench.REQUESTS,
                            help=f"Số lần đo mỗi trang (tối thiểu {bench.REQUESTS}).")
        parser.add_argument("--no-sweep", action="store_true", help="Không đo lượt nhắc việc hằng ngày.")
        parser.add_argument("--only", default="",
                            help="Chỉ đo các trang này (phân cách bằng dấu phẩy: list,detail; jobs: các tệp chạy nền).")
        parser.add_argument("--no-jobs", action="store_true",
                            help="Không đo việc xuất Excel toàn bộ và báo cáo quý chạy nền.")
        parser.add_argument("--http", action="store_true",
                            help="Đo thêm qua máy chủ thật (gunicorn, HTTP, cookie phiên; như bench_http) và in cả hai.")
        parser.add_argument("--max-wait", type=float, default=bench_http.MAX_WAIT,
                            help="Với --http: chờ máy rảnh tối đa bao nhiêu giây (0: không chờ).")

    def handle(self, *args, tasks, units, requests, no_sweep, only, no_jobs, http, max_wait, **options):
        if requests < bench.REQUESTS:
            raise CommandError(f"--requests must be at least {bench.REQUESTS} (p95 needs enough samples).")
        only_keys = {key.strip() for key in only.split(",") if key.strip()} or None
        out = lambda line: self.stdout.write(line)  # noqa: E731

        def through_gunicorn(only, jobs):
            try:
                return bench_http.run(tasks, units=units, only=only, jobs=jobs, max_wait=max_wait, out=out)[1]
            except bench_http.BenchError as exc:
                raise CommandError(str(exc))

        bench.run(tasks, units=units, requests=requests, sweep=not no_sweep, only=only_keys, jobs=not no_jobs,
                  http=through_gunicorn if http else None, out=out)
