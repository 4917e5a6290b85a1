"""Django settings of the exam service. Everything that differs between installations comes from
the environment (``config.setup`` fills it from the command's arguments):

QINGLIAN_DB            database URL: ``sqlite:////abs/path.sqlite3`` or ``postgresql://user:pw@host:port/db``
                       (``?host=/run/postgresql`` for a Unix socket)
QINGLIAN_PRIVATE       the private folder (codes, the secret key file); default ``./private``
QINGLIAN_SECRET_KEY    Django's secret (sessions, CSRF); default read from (or created in)
                       ``QINGLIAN_PRIVATE/exam-secret.key``. Several servers on one PostgreSQL
                       must share it. Rotating it logs everybody out, nothing more (old keys in
                       QINGLIAN_SECRET_KEY_FALLBACKS, comma-separated, keep sessions valid).
QINGLIAN_CODE_KEY      the HMAC key of the access codes; default ``QINGLIAN_PRIVATE/exam-code.key``.
                       Separate from the secret above: it must stay the same while codes are out.
QINGLIAN_HTTPS         ``1``: served over HTTPS (behind a TLS proxy that sets
                       ``X-Forwarded-Proto: https``): Secure cookies, HSTS
QINGLIAN_FORWARDED_ALLOW_IPS  proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are
                       believed (default ``127.0.0.1,::1``; gunicorn applies the same list to the
                       scheme); from any other address the headers are ignored
QINGLIAN_ALLOWED_HOSTS comma-separated host names the service answers to (default: loopback names
                       and the listening address; add the exam URL's host name)
QINGLIAN_TIME_ZONE     default ``Asia/Shanghai`` (exam times without a zone are in it)
QINGLIAN_SQLITE_SYNC   ``NORMAL`` (default: survives a crash of the service) or ``FULL`` (also a
                       power cut, at an fsync per answer)
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import LOOPBACK, code_key, database_settings, secret_key

PRIVATE = Path(os.environ.get("QINGLIAN_PRIVATE", "private")).resolve()
HTTPS = os.environ.get("QINGLIAN_HTTPS", "") in ("1", "true", "yes")

SECRET_KEY = secret_key(PRIVATE)
SECRET_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("QINGLIAN_SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
]
EXAM_CODE_KEY = code_key(PRIVATE)
DEBUG = False
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("QINGLIAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
FORWARDED_ALLOW_IPS = frozenset(
    a.strip() for a in os.environ.get("QINGLIAN_FORWARDED_ALLOW_IPS", LOOPBACK).split(",")
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "generator.service.apps.ExamConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "generator.service.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "generator.service.urls"
WSGI_APPLICATION = "generator.service.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": database_settings(os.environ.get("QINGLIAN_DB", ""), PRIVATE)}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("QINGLIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # app static files served as they are; no collectstatic step
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 600

LOGIN_URL = "/trainer/login/"
LOGIN_REDIRECT_URL = "/trainer/"

# Sessions in the database: shared by every server on one PostgreSQL, revocable.
SESSION_ENGINE = "generator.service.sessions"  # Django's db sessions, read with plain SQL
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True  # the page reads the token from GET /api/csrf, never the cookie
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SECURE = HTTPS
CSRF_HEADER_NAME = "HTTP_X_CSRF_TOKEN"
CSRF_FAILURE_VIEW = "generator.service.api.csrf_failure"
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("QINGLIAN_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if HTTPS:
    # Behind nginx terminating TLS. The scheme is gunicorn's wsgi.url_scheme, which follows
    # X-Forwarded-Proto only from FORWARDED_ALLOW_IPS (so no SECURE_PROXY_SSL_HEADER here:
    # Django would believe the header from anyone). The Host header is nginx's own $host.
    SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024  # an answer is a few bytes; a huge body is refused (400)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}

# Candidate lockout: failures per 工号 and per client address within the window.
EXAM_FAILURES_PER_ID = int(os.environ.get("QINGLIAN_FAILURES_PER_ID", "5"))
EXAM_FAILURES_PER_IP = int(os.environ.get("QINGLIAN_FAILURES_PER_IP", "30"))
EXAM_LOCKOUT_MINUTES = int(os.environ.get("QINGLIAN_LOCKOUT_MINUTES", "15"))
