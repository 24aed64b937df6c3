"""A minimal real Wagtail site for the integration tests (SQLite file, real
admin, real document serving).  PRECLEAR_URL/TOKEN and the database path come
from the environment the test fixture sets."""
import os

BASE_DIR = os.environ["WAGTAIL_TEST_DIR"]
SECRET_KEY = "test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
INSTALLED_APPS = [
    "wagtail_site", "preclear_wagtail",
    "wagtail.documents", "wagtail.images", "wagtail.users", "wagtail.snippets", "wagtail.sites",
    "wagtail.admin", "wagtail", "modelcluster", "taggit",
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "preclear_wagtail.middleware.PublicationRefusedMiddleware",
]
ROOT_URLCONF = "wagtail_site.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE_DIR, "site.db")}}
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
MEDIA_URL = "/media/"
WAGTAIL_SITE_NAME = "test"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PRECLEAR_URL = os.environ["PRECLEAR_URL"]
PRECLEAR_TOKEN = os.environ["PRECLEAR_TOKEN"]
PRECLEAR_TIMEOUT = 10
