"""python manage.py bench_mail --digests N [--workers 2] [--in-place]

Measures the daily digests end to end on the configured database and broker: N people with reminders due, a
local SMTP server, W real Celery workers, the daily sweep published as beat publishes it; prints the rate,
duplicates and lost digests, and last the line `bench_mail: digests=N workers=W rate_per_s=X elapsed_s=Y
duplicates=D lost=L` (devtools/bench_mail/). Needs aiosmtpd (requirements-test.txt).
"""
from django.core.management.base import BaseCommand, CommandError

from devtools import bench_mail


class Command(BaseCommand):
    help = "Đo tốc độ gửi thư tổng hợp hằng ngày tới một máy chủ SMTP cục bộ qua các worker Celery thật."

    def add_arguments(self, parser):
        parser.add_argument("--digests", type=int, required=True, help="Số thư tổng hợp (số người nhận), ví dụ 2000.")
        parser.add_argument("--workers", type=int, default=2, help="Số tiến trình worker Celery (mặc định 2).")
        parser.add_argument("--concurrency", type=int, default=1, help="--concurrency của mỗi worker (mặc định 1).")
        parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"],
                            help="--pool của mỗi worker (mặc định prefork, như khi triển khai).")
        parser.add_argument("--in-place", action="store_true",
                            help="Chạy ngay trong cơ sở dữ liệu đang cấu hình (phải chưa có nhiệm vụ và thư nào).")
        parser.add_argument("--timeout", type=float, default=600, help="Thời gian chờ tối đa (giây).")

    def handle(self, *args, digests, workers, concurrency, pool, in_place, timeout, **options):
        try:
            result = bench_mail.run(digests, workers=workers, concurrency=concurrency, pool=pool,
                                    in_place=in_place, timeout=timeout, out=lambda line: self.stdout.write(line))
        except bench_mail.BenchError as exc:
            raise CommandError(str(exc))
        if result.duplicates or result.lost:
            raise CommandError(f"{result.duplicates} duplicates and {result.lost} lost digests")
