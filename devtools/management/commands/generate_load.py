"""python manage.py generate_load --tasks N [--units U] [--seed S]

A realistic synthetic dataset for measuring the portal at scale (devtools/loadgen.py says what it holds). Tagged and
idempotent: the same N again does nothing, a bigger N on the same unit tree adds the difference, anything else
rebuilds the generated set; data that the generator did not make is never touched.
"""
from django.core.management.base import BaseCommand, CommandError

from devtools import loadgen


class Command(BaseCommand):
    help = "Tạo dữ liệu thử tải (đơn vị, người dùng, văn bản, nhiệm vụ, báo cáo...) để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, required=True, help="Số nhiệm vụ cần có (ví dụ 100000).")
        parser.add_argument("--units", type=int, default=None,
                            help="Số đơn vị (mặc định: tasks/100, tối thiểu 3, tối đa 1000).")
        parser.add_argument("--seed", type=int, default=7, help="Hạt giống ngẫu nhiên (mặc định 7).")

    def handle(self, *args, tasks, units, seed, **options):
        if tasks < 0 or (units is not None and units < 1):
            raise CommandError("--tasks must be >= 0 and --units >= 1.")
        summary = loadgen.generate(tasks, units=units, seed=seed, log=self.stdout.write)
        self.stdout.write(summary.line())
