"""A real Wagtail site (Django test client, SQLite file) wired to a real
``preclear serve`` on 127.0.0.1.  Django is set up when this file is loaded
(the tests import models); the session fixture starts the service, points the
site at it and migrates; each test runs in a transaction rolled back at its end."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from ..gate.conftest import Service

pytest.importorskip("wagtail", reason="pip install 'preclear[wagtail]'")
_SITE_DIR = tempfile.mkdtemp(prefix="preclear-wagtail-")
atexit.register(shutil.rmtree, _SITE_DIR, True)
# Playwright's sync API (the session's browser, tests/conftest.py) runs an
# event loop in the main thread once started; the ORM calls of these tests are
# still synchronous and single-threaded (Django's documented switch)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.update(WAGTAIL_TEST_DIR=_SITE_DIR, PRECLEAR_URL="http://127.0.0.1:9", PRECLEAR_TOKEN="unset",
                  DJANGO_SETTINGS_MODULE="wagtail_site.settings")
sys.path.insert(0, str(Path(__file__).parent))
import django

django.setup()


@pytest.fixture(scope="session")
def preclear(tmp_path_factory):
    """(service, tokens by role) for the whole session."""
    from scanner.review import open_store

    root = tmp_path_factory.mktemp("wagtail")
    db = str(root / "review.db")
    store = open_store(db)
    who = {}
    for role, name in (("submitter", "cms"), ("reviewer", "李四"), ("approver", "王五")):
        who[role] = {"Authorization": f"Bearer {store.create_token(name, role, created_by='test')[1]}"}
    store.close()
    service = Service(db, cwd=root)
    yield service, who, root
    service.stop()


@pytest.fixture(scope="session")
def django_site(preclear):
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    service, who, _ = preclear
    settings.PRECLEAR_URL = service.url
    settings.PRECLEAR_TOKEN = who["submitter"]["Authorization"].removeprefix("Bearer ")
    setup_test_environment()
    call_command("migrate", run_syncdb=True, verbosity=0)
    return service, who


@pytest.fixture
def site(django_site):
    """The service, tokens and an admin's test client; the site's database
    changes of the test are rolled back."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client

    with transaction.atomic():
        admin = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        client = Client()
        client.force_login(admin)
        yield django_site[0], django_site[1], client
        transaction.set_rollback(True)


def approve(service, who, items) -> None:
    """The review office reviews and approves each submitted item."""
    for item in items:
        status = httpx.get(f"{service.url}/v1/items/{item['sha256']}", headers=who["reviewer"]).json()["status"]
        if status == "approved":
            continue
        for path, headers, body in ((f"/v1/items/{item['sha256']}/decisions", who["reviewer"],
                                     {"decision": "approve", "opinion": "经审查，不涉及国家秘密"}),
                                    (f"/v1/items/{item['sha256']}/approval", who["approver"], None)):
            r = httpx.post(service.url + path, headers=headers, json=body)
            assert r.status_code == 200, r.text
