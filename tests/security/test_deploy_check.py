"""RELIABILITY row 13: `manage.py check --deploy --fail-level WARNING` passes with production settings (a contract)."""
import json
import os
import re
import secrets
import subprocess  # nosec B404: runs manage.py in a fresh process
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REMOVED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECURE_SSL_REDIRECT",
           "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "PORTAL_ADMIN_REQUIRE_2FA",
           "TRUST_X_FORWARDED_PROTO", "TRUST_X_FORWARDED_FOR", "SECURE_HSTS_PRELOAD", "SESSION_IDLE_MINUTES",
           # Set for the browser tests in this process; a deployment never has it (async.E001).
           "DJANGO_ALLOW_ASYNC_UNSAFE")


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in REMOVED}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.tinhuy.haugiang.example",
               PORTAL_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(overrides)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # nosec B603: our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def settings_in(env, *names) -> dict:
    script = ("import django, json; django.setup(); from django.conf import settings; "
              f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,  # nosec B603: fixed script
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_behind_a_tls_proxy(tmp_path):
    env = production_env(tmp_path, TRUST_X_FORWARDED_PROTO="1", TRUST_X_FORWARDED_FOR="1")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert settings_in(env, "SECURE_PROXY_SSL_HEADER")["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_check_deploy_fails_when_a_protection_is_switched_off(tmp_path):
    for override in ({"SECURE_HSTS_SECONDS": "0"}, {"SESSION_COOKIE_SECURE": "0"}, {"SECURE_SSL_REDIRECT": "0"}):
        result = manage(production_env(tmp_path, **override), "check", "--deploy", "--fail-level", "WARNING")
        assert result.returncode != 0, override


def test_production_settings_are_the_hardened_ones(tmp_path):
    values = settings_in(
        production_env(tmp_path), "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE", "MIDDLEWARE",
        "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "PASSWORD_HASHERS",
        "PORTAL_ADMIN_REQUIRE_2FA", "CONTENT_SECURITY_POLICY", "SECURE_PROXY_SSL_HEADER",
    )
    assert values["DEBUG"] is False and values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["CSRF_COOKIE_HTTPONLY"] and values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_AGE"] == 30 * 60
    # The idle timeout's expiry is pushed forward by this middleware (once a minute), right after the sessions'.
    middleware = values["MIDDLEWARE"]
    session = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert middleware[session + 1] == "accounts.sessions.IdleTimeoutMiddleware"
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["PORTAL_ADMIN_REQUIRE_2FA"] is True
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "X-Forwarded-Proto is trusted only when asked"


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            values[match[1]] = match[2].strip().strip('"')
    return values


def test_the_environment_template_names_every_setting_the_portal_reads():
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""(?:environ(?:\.get)?\(|environ\[|env_bool\(|env_list\()\s*["']([A-Z][A-Z0-9_]*)["']""",
                          source))
    missing = sorted(read - set(env_example()) - {"DJANGO_SETTINGS_MODULE"})
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= read
    assert missing == [], f"add these to .env.example: {missing}"


def test_the_environment_template_itself_passes_the_deploy_check(tmp_path):
    template = {key: value for key, value in env_example().items() if value}
    template.update(SECRET_KEY=secrets.token_urlsafe(64), PORTAL_VAR_DIR=str(tmp_path),
                    MEDIA_ROOT=str(tmp_path / "media"), STATIC_ROOT=str(tmp_path / "static"))
    template.pop("SECURITY_LOG_FILE", None)
    env = {key: value for key, value in os.environ.items() if key not in REMOVED}
    env.update(template, DJANGO_SETTINGS_MODULE="config.settings")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variable", ["SESSION_IDLE_MINUTES", "LOGIN_FAILURE_LIMIT", "SECURE_HSTS_SECONDS"])
def test_an_empty_variable_means_the_default(tmp_path, variable):
    result = manage(production_env(tmp_path, **{variable: ""}), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
