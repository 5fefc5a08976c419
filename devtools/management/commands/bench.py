"""python manage.py bench --tasks N

Loads N generated tasks if they are not there (generate_load), then measures every page's server time (p50, p95)
and query count, the floor and the admin changelist beside the task list, and the daily reminder sweep; prints a
table and, last, the line `bench: tasks=N list_p95_ms=... sweep_mb=...` (devtools/bench.py).
"""
from django.core.management.base import BaseCommand, CommandError

from devtools import bench


class Command(BaseCommand):
    help = "Đo thời gian phản hồi và số truy vấn của các trang chính trên cơ sở dữ liệu đang cấu hình."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True, help="Số nhiệm vụ thử tải (ví dụ 100000).")
        parser.add_argument("--units", type=int, default=None, help="Số đơn vị (mặc định như generate_load).")
        parser.add_argument("--requests", type=int, default=bench.REQUESTS,
                            help=f"Số lần đo mỗi trang (tối thiểu {bench.REQUESTS}).")
        parser.add_argument("--no-sweep", action="store_true", help="Không đo lượt nhắc việc hằng ngày.")
        parser.add_argument("--only", default="", help="Chỉ đo các trang này (phân cách bằng dấu phẩy: list,detail).")

    def handle(self, *args, tasks, units, requests, no_sweep, only, **options):
        if requests < bench.REQUESTS:
            raise CommandError(f"--requests must be at least {bench.REQUESTS} (p95 needs enough samples).")
        only_keys = {key.strip() for key in only.split(",") if key.strip()} or None
        bench.run(tasks, units=units, requests=requests, sweep=not no_sweep, only=only_keys,
                  out=lambda line: self.stdout.write(line))
