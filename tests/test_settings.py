"""Settings that matter, each checked by value: Django silently ignores a misspelled setting.

The environment-driven ones are read in a fresh interpreter per environment (settings are read once per process).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
PORTAL_ENV = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PORTAL_VAR_DIR")


def read_settings(tmp_path, names, **env):
    """The named settings as a fresh process sees them with `env` (and nothing else of ours) set; DEBUG is on
    (as `make run` sets it) unless `env` says otherwise (None: not set at all).

    Returns (exit code, {name: value}, stderr)."""
    environment = {key: value for key, value in os.environ.items() if key not in PORTAL_ENV}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PORTAL_VAR_DIR": str(tmp_path / "var"),
                        "DEBUG": "1"})
    environment.update(env)
    environment = {key: value for key, value in environment.items() if value is not None}  # None: unset
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True,
                            text=True, timeout=60)
    values = json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {}
    return result.returncode, values, result.stderr


# --- time and language ---------------------------------------------------------------------------------------


def test_dates_are_in_hau_giang_time():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
    assert celery_app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_the_interface_speaks_vietnamese_first_and_english_second():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.USE_I18N is True


# --- Celery: nothing lost when a worker dies -------------------------------------------------------------------


def test_a_task_message_is_acknowledged_only_after_it_ran_and_requeued_if_the_worker_dies():
    # Read from the Celery app, not only from Django settings: a misspelled CELERY_ name would not reach it.
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_without_redis_the_broker_is_a_folder_that_exists_and_is_read_where_it_is_written(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS"])
    assert code == 0, stderr
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    options = values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    folder_in, folder_out = Path(options["data_folder_in"]), Path(options["data_folder_out"])
    assert folder_in == folder_out
    assert folder_in.is_absolute() and folder_in.is_dir()
    assert folder_in.is_relative_to(tmp_path / "var")
    assert Path(options["processed_folder"]).is_dir()


def test_with_redis_the_broker_is_redis(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["CELERY_BROKER_URL"], REDIS_URL="redis://cache.example:6380/3")
    assert code == 0, stderr
    assert values["CELERY_BROKER_URL"] == "redis://cache.example:6380/3"


# --- database -------------------------------------------------------------------------------------------------


def test_without_a_database_url_the_database_is_sqlite_under_var(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["DATABASES"])
    assert code == 0, stderr
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]).parent == tmp_path / "var"


def test_a_postgresql_database_url_is_read_into_its_parts(tmp_path):
    code, values, stderr = read_settings(
        tmp_path, ["DATABASES"], DATABASE_URL="postgres://portal:m%40t-khau@db.tinhuy.example:5433/theo_doi"
    )
    assert code == 0, stderr
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.tinhuy.example", 5433, "theo_doi")
    assert (database["USER"], database["PASSWORD"]) == ("portal", "m@t-khau")


# --- email ----------------------------------------------------------------------------------------------------


def test_without_an_email_url_mail_is_written_to_files_under_var(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["EMAIL_BACKEND", "EMAIL_FILE_PATH"])
    assert code == 0, stderr
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(values["EMAIL_FILE_PATH"]) == tmp_path / "var" / "mail"


@pytest.mark.parametrize(("url", "port", "tls", "ssl"), [
    ("smtp+tls://thu%40tinhuy.example:m%C3%A2t-kh%E1%BA%A9u@mail.tinhuy.example:587", 587, True, False),
    ("smtps://thu%40tinhuy.example:m%C3%A2t-kh%E1%BA%A9u@mail.tinhuy.example", 465, False, True),
    ("smtp://thu%40tinhuy.example:m%C3%A2t-kh%E1%BA%A9u@mail.tinhuy.example", 25, False, False),
])
def test_an_email_url_is_read_into_smtp_settings(tmp_path, url, port, tls, ssl):
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
             "EMAIL_USE_SSL"]
    code, values, stderr = read_settings(tmp_path, names, EMAIL_URL=url)
    assert code == 0, stderr
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "mail.tinhuy.example",
        "EMAIL_PORT": port, "EMAIL_HOST_USER": "thu@tinhuy.example", "EMAIL_HOST_PASSWORD": "mât-khẩu",
        "EMAIL_USE_TLS": tls, "EMAIL_USE_SSL": ssl,
    }


def test_an_email_url_with_an_unknown_scheme_stops_the_start(tmp_path):
    code, _values, stderr = read_settings(tmp_path, ["EMAIL_BACKEND"], EMAIL_URL="imap://mail.tinhuy.example")
    assert code != 0
    assert "EMAIL_URL" in stderr


# --- secrets --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", ["0", ""])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, debug):
    code, _values, stderr = read_settings(tmp_path, ["SECRET_KEY"], DEBUG=debug)
    assert code != 0
    assert "SECRET_KEY" in stderr


def test_production_starts_with_its_own_secret_key_and_debug_off(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"], DEBUG="0",
                                         SECRET_KEY="k" * 50, ALLOWED_HOSTS="theodoi.tinhuy.example")
    assert code == 0, stderr
    assert values == {"SECRET_KEY": "k" * 50, "DEBUG": False, "ALLOWED_HOSTS": ["theodoi.tinhuy.example"]}


def test_development_has_a_key_of_its_own_when_none_is_given(tmp_path):
    code, values, stderr = read_settings(tmp_path, ["SECRET_KEY", "DEBUG"], DEBUG="1")
    assert code == 0, stderr
    assert values["DEBUG"] is True and values["SECRET_KEY"]


def test_a_misspelled_debug_value_stops_the_start_instead_of_guessing(tmp_path):
    code, _values, stderr = read_settings(tmp_path, ["DEBUG"], DEBUG="yes please")
    assert code != 0
    assert "DEBUG" in stderr


def test_a_development_checkout_reads_its_env_file_and_the_environment_wins_over_it(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nALLOWED_HOSTS=dev.tinhuy.example\nSITE_URL=http://dev.tinhuy.example\n")
    code, values, stderr = read_settings(tmp_path, ["DEBUG", "ALLOWED_HOSTS", "SITE_URL"], DEBUG=None,
                                         PORTAL_ENV_FILE=str(env_file), SITE_URL="http://127.0.0.1:8000")
    assert code == 0, stderr
    assert values == {"DEBUG": True, "ALLOWED_HOSTS": ["dev.tinhuy.example"], "SITE_URL": "http://127.0.0.1:8000"}


def test_without_an_env_file_and_without_debug_the_settings_still_refuse_to_guess_a_key(tmp_path):
    code, _values, stderr = read_settings(tmp_path, ["SECRET_KEY"], DEBUG=None, PORTAL_ENV_FILE=str(tmp_path / "none"))
    assert code != 0 and "SECRET_KEY" in stderr
