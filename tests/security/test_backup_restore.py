"""The restore drill: back up, restore into a new database, the same rows and files come back.

Runs only against PostgreSQL (DATABASE_URL=postgres://...), with the real scripts/backup.sh and scripts/restore.sh.
"""
import os
import shutil
import subprocess  # nosec B404: runs the project's own backup scripts
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tasks import services
from core.uploads import check_upload
from tests.factories import TaskFactory, UnitFactory, member
from tests.security.test_uploads import PDF, upload

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                       reason="the restore drill needs PostgreSQL (DATABASE_URL=postgres://...)"),
    pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")),
                       reason="pg_dump and pg_restore are not installed"),
]


def url_for(database: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}"


def counts(database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url_for(database)) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # nosec B608: names from the catalogue
                for table in tables}


def run(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # nosec B603: the project's own script, arguments built here
        ["bash", str(ROOT / "scripts" / script), *args], env={**os.environ, **env},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def scratch_database():
    import psycopg

    # Named after the run's database (portal_ci_drill_..., portal_hd_x_gw0_drill_...): runs that share the server
    # keep to their own names.
    name = f"{connection.settings_dict['NAME'].removeprefix('test_')}_drill_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # nosec B608: a generated name
    yield name
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # nosec B608: a generated name


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_every_row_and_file(tmp_path, settings, scratch_database):
    unit = UnitFactory()
    author = member(unit)
    tasks = [TaskFactory(lead=unit) for _ in range(5)]
    for task in tasks:
        services.submit_progress_report(task=task, user=author, text="Đã triển khai.", percent=40,
                                        files=[check_upload(upload("bao-cao.pdf", PDF))])
    settings_media = Path(settings.MEDIA_ROOT)
    extra = settings_media / "resolutions" / "2022" / "ket-luan.txt"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("Kết luận", encoding="utf-8")
    source = connection.settings_dict["NAME"]
    backups = tmp_path / "backups"

    out = run("backup.sh", env={"DATABASE_URL": url_for(source), "MEDIA_ROOT": str(settings_media),
                                "BACKUP_DIR": str(backups)})
    folders = [p for p in backups.iterdir() if p.is_dir()]
    assert len(folders) == 1 and "backup:" in out
    backup = folders[0]
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "MANIFEST", "SHA256SUMS"}

    restored_media = tmp_path / "restored-media"
    run("restore.sh", str(backup), "--database", url_for(scratch_database), "--media-root", str(restored_media),
        env={})

    before, after = counts(source), counts(scratch_database)
    assert before["tasks_task"] >= 5 and before["tasks_attachment"] == 5
    assert after == before
    files = sorted(p.relative_to(settings_media) for p in settings_media.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(restored_media) for p in restored_media.rglob("*") if p.is_file())
    for name in files:
        assert (restored_media / name).read_bytes() == (settings_media / name).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_to_overwrite_a_database_that_has_data_and_a_tampered_backup(tmp_path, settings,
                                                                                      scratch_database):
    TaskFactory(lead=UnitFactory())
    backups = tmp_path / "backups"
    run("backup.sh", env={"DATABASE_URL": url_for(connection.settings_dict["NAME"]),
                          "MEDIA_ROOT": str(settings.MEDIA_ROOT), "BACKUP_DIR": str(backups)})
    backup = next(p for p in backups.iterdir() if p.is_dir())
    target = url_for(scratch_database)
    run("restore.sh", str(backup), "--database", target, "--no-media", env={})
    again = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup), "--database", target,  # nosec B603
                            "--no-media"], capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "--replace" in again.stderr
    with open(backup / "database.dump", "ab") as dump:
        dump.write(b"tampered")
    tampered = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(backup), "--database", target,  # nosec B603
                               "--no-media", "--replace"], capture_output=True, text=True, timeout=300)
    assert tampered.returncode != 0 and "checksums" in tampered.stderr


@pytest.mark.django_db
def test_old_backups_are_removed_but_the_newest_are_always_kept(tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for day in range(1, 6):
        folder = backups / f"2020-01-0{day}_020000"
        folder.mkdir()
        os.utime(folder, (0, 0))  # 1970: far older than any retention
    (backups / "2020-01-09_020000.partial").mkdir()
    run("backup.sh", env={"DATABASE_URL": url_for(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(tmp_path / "none"),
                          "BACKUP_DIR": str(backups), "BACKUP_KEEP_DAYS": "14", "BACKUP_KEEP_MIN": "3"})
    left = sorted(p.name for p in backups.iterdir())
    assert len(left) == 3 and left[:2] == ["2020-01-04_020000", "2020-01-05_020000"]
    assert not any(name.endswith(".partial") for name in left)
