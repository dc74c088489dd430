import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_bool, env_int, env_list, env_url


def test_env_bool_reads_yes_and_no(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG") is False


def test_env_bool_names_the_variable_on_bad_values(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG")


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("MAX_DOCUMENT_CHARS", "lots")
    with pytest.raises(ImproperlyConfigured, match="MAX_DOCUMENT_CHARS must be a whole number"):
        env_int("MAX_DOCUMENT_CHARS", 5)
    monkeypatch.setenv("MAX_DOCUMENT_CHARS", "-1")
    with pytest.raises(ImproperlyConfigured, match="MAX_DOCUMENT_CHARS must be at least 1"):
        env_int("MAX_DOCUMENT_CHARS", 5, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example, b.example ,,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_env_url_requires_a_scheme(monkeypatch):
    monkeypatch.setenv("SITE_URL", "factcheck.example.org")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be a URL starting with"):
        env_url("SITE_URL", "", schemes=("http", "https"))


# A complete OpenID Connect configuration.
OIDC_ENV = {
    "OIDC_CLIENT_ID": "wb",
    "OIDC_CLIENT_SECRET": "s",
    "OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example.org/auth",
    "OIDC_TOKEN_ENDPOINT": "https://sso.example.org/token",
    "OIDC_USERINFO_ENDPOINT": "https://sso.example.org/userinfo",
    "OIDC_JWKS_ENDPOINT": "https://sso.example.org/certs",
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DEBUG": "perhaps"}, "DEBUG must be one of"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u:p@db/x"}, "DATABASE_URL must name a PostgreSQL"),
        ({"SITE_URL": "example.org"}, "SITE_URL must be a URL"),
        ({"BEHIND_PROXY": "sometimes"}, "BEHIND_PROXY must be one of"),
        ({"BEHIND_PROXY": "1", "NUM_PROXIES": "two"}, "NUM_PROXIES must be a whole number"),
        ({"BEHIND_PROXY": "1", "NUM_PROXIES": "0"}, "NUM_PROXIES must be at least 1"),
        ({"NUM_PROXIES": "1"}, "NUM_PROXIES is 1 but BEHIND_PROXY is off"),
        ({"THROTTLE_CACHE_URL": "memcached://x"}, "THROTTLE_CACHE_URL must start with"),
        ({"WORKSPACE_CREATION": "everyone"}, "WORKSPACE_CREATION must be any, staff or nobody"),
        ({"PASSWORD_LOGIN": "0"}, "PASSWORD_LOGIN is off but OIDC_CLIENT_ID is not set"),
        ({"PASSWORD_LOGIN": "maybe"}, "PASSWORD_LOGIN must be one of"),
        ({"OIDC_CLIENT_ID": "wb"}, "OIDC_CLIENT_SECRET must be set"),
        (
            {"OIDC_CLIENT_ID": "wb", "OIDC_CLIENT_SECRET": "s"},
            "OIDC_AUTHORIZATION_ENDPOINT must be set when OIDC_CLIENT_ID is set",
        ),
        (
            {
                "DEBUG": "0",
                "OIDC_CLIENT_ID": "wb",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_AUTHORIZATION_ENDPOINT": "http://sso.example.org/auth",
            },
            "OIDC_AUTHORIZATION_ENDPOINT must be a URL starting with https://",
        ),
        (
            {
                "OIDC_CLIENT_ID": "wb",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example.org/auth",
                "OIDC_TOKEN_ENDPOINT": "https://sso.example.org/token",
                "OIDC_USERINFO_ENDPOINT": "https://sso.example.org/userinfo",
                "OIDC_SIGN_ALGO": "none",
            },
            "OIDC_SIGN_ALGO must be RS256",
        ),
        (
            {
                "OIDC_CLIENT_ID": "wb",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example.org/auth",
                "OIDC_TOKEN_ENDPOINT": "https://sso.example.org/token",
                "OIDC_USERINFO_ENDPOINT": "https://sso.example.org/userinfo",
            },
            "OIDC_JWKS_ENDPOINT must be set when OIDC_CLIENT_ID is set",
        ),
        (
            {**OIDC_ENV, "OIDC_END_SESSION_ENDPOINT": "http://sso.example.org/logout"},
            "OIDC_END_SESSION_ENDPOINT must be a URL starting with https://",
        ),
        (
            {"DATABASE_URL": "postgres://u@db/x", "DB_POOL_SIZE": "5", "DB_CONN_MAX_AGE": "60"},
            "DB_POOL_SIZE needs DB_CONN_MAX_AGE=0",
        ),
        (
            {"DATABASE_URL": "postgres://u@db/x", "DB_PREPARED_STATEMENTS": "sometimes"},
            "DB_PREPARED_STATEMENTS must be one of",
        ),
        ({"LIVE_HEARTBEAT_SECONDS": "0"}, "LIVE_HEARTBEAT_SECONDS must be at least 1"),
    ],
)
def test_settings_fail_at_start_naming_the_variable(env, message, tmp_path):
    import os
    import subprocess
    import sys

    environ = {**os.environ, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path), **env}
    result = subprocess.run(
        [sys.executable, "-c", "import factcheck.settings"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_manage_py_says_what_is_misconfigured_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(__file__))
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=root
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Configuration error: SECRET_KEY must be set")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (OIDC_ENV, "None False"),
        (
            {**OIDC_ENV, "OIDC_END_SESSION_ENDPOINT": "https://sso.example.org/logout"},
            "https://sso.example.org/logout True",
        ),
    ],
)
def test_an_end_session_endpoint_makes_sign_out_end_the_providers_session(env, expected, tmp_path):
    expression = (
        "getattr(s, 'OIDC_OP_LOGOUT_ENDPOINT', None), getattr(s, 'OIDC_STORE_ID_TOKEN', False)"
    )
    assert _settings_in_a_fresh_process({"DEBUG": "0", **env}, expression, tmp_path) == expected


def _settings_in_a_fresh_process(env: dict, expression: str, tmp_path) -> str:
    import os
    import subprocess
    import sys

    keep = {k: v for k, v in os.environ.items() if k not in ("BEHIND_PROXY", "NUM_PROXIES")}
    result = subprocess.run(
        [sys.executable, "-c", f"import factcheck.settings as s; print({expression})"],
        env={**keep, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0 None"),
        ({"BEHIND_PROXY": "1"}, "1 ('HTTP_X_FORWARDED_PROTO', 'https')"),
        ({"BEHIND_PROXY": "1", "NUM_PROXIES": "2"}, "2 ('HTTP_X_FORWARDED_PROTO', 'https')"),
    ],
)
def test_forwarded_headers_are_trusted_only_behind_a_proxy(env, expected, tmp_path):
    expression = "s.REST_FRAMEWORK['NUM_PROXIES'], getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
    assert _settings_in_a_fresh_process(env, expression, tmp_path) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "0"}, "annotations.cache.DatabaseCache factcheck_throttle"),
        ({"DEBUG": "1"}, "django.core.cache.backends.locmem.LocMemCache throttle"),
        (
            {"DEBUG": "0", "THROTTLE_CACHE_URL": "redis://cache:6379/1"},
            "django.core.cache.backends.redis.RedisCache redis://cache:6379/1",
        ),
    ],
)
def test_throttle_counters_are_shared_in_production_by_default(env, expected, tmp_path):
    env = {"THROTTLE_CACHE_URL": "", **env}
    expression = "s.CACHES['throttle']['BACKEND'], s.CACHES['throttle']['LOCATION']"
    assert _settings_in_a_fresh_process(env, expression, tmp_path) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Threads keep their connection (WSGI: gunicorn's sync workers, runserver).
        ({}, "60 None"),
        # factcheck.asgi: no connection kept per thread, a pool per process instead.
        ({"DB_CONN_MAX_AGE": "0"}, "0 {'min_size': 1, 'max_size': 10, 'timeout': 60}"),
        ({"DB_CONN_MAX_AGE": "0", "DB_POOL_SIZE": "0"}, "0 None"),
    ],
)
def test_postgresql_connections_are_pooled_where_threads_keep_none(env, expected, tmp_path):
    env = {"DATABASE_URL": "postgres://u@db/x", "DB_CONN_MAX_AGE": "", **env}
    database = "s.DATABASES['default']"
    expression = f"{database}['CONN_MAX_AGE'], {database}.get('OPTIONS', {{}}).get('pool')"
    assert _settings_in_a_fresh_process(env, expression, tmp_path) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Django's defaults: parameters quoted in by psycopg, nothing prepared.
        ({}, "None None"),
        ({"DB_PREPARED_STATEMENTS": "0"}, "None None"),
        # On: the server binds the parameters and a connection prepares the statements
        # it runs often.
        ({"DB_PREPARED_STATEMENTS": "1"}, "True 5"),
    ],
)
def test_postgresql_statements_are_prepared_only_when_turned_on(env, expected, tmp_path):
    env = {"DATABASE_URL": "postgres://u@db/x", "DB_CONN_MAX_AGE": "", **env}
    options = "s.DATABASES['default'].get('OPTIONS', {})"
    expression = f"{options}.get('server_side_binding'), {options}.get('prepare_threshold')"
    assert _settings_in_a_fresh_process(env, expression, tmp_path) == expected
