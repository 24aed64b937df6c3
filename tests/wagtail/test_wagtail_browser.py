"""One run through the real Wagtail admin in Debian's Chromium (Playwright):
an editor publishes a page whose attachment carries a classification mark in
its header and sees, in Chinese, the file, the part and the marked text; the
page stays unpublished.  The site is served by Django's live-server thread
(its own database connection, so this test commits and uses unique names)."""
from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from wagtail.models import Page
from wagtail_site.models import NewsPage

from .test_wagtail_gate import document, docx_with_header


@pytest.fixture
def live_site(django_site):
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def chromium(browser):
    """The session's Chromium (tests/conftest.py): Playwright's sync API allows
    one instance per session."""
    return browser


def test_editor_sees_the_blocked_attachment_in_the_admin(live_site, chromium, tmp_path):
    name = uuid.uuid4().hex[:8]
    get_user_model().objects.create_superuser(f"editor-{name}", "e@example.org", "pw-" + name)
    doc = document("附件2.docx", docx_with_header("机密★5年"))
    page = NewsPage(title=f"关于报送名单的通知{name}", slug=f"browser-{name}", live=False,
                    body=f'<p>见<a linktype="document" id="{doc.pk}">附件2</a>。</p>')
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision()

    tab = chromium.new_page(locale="zh-CN")
    tab.goto(f"{live_site}/admin/login/")
    tab.fill("input[name=username]", f"editor-{name}")
    tab.fill("input[name=password]", "pw-" + name)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_site}/admin/")
    tab.goto(f"{live_site}/admin/pages/{page.pk}/edit/")
    tab.locator("footer [data-w-dropdown-target=toggle]").first.click()
    tab.locator("button[name=action-publish]").click()
    error = tab.locator(".messages .error, .messages li.error").first
    error.wait_for(timeout=30_000)
    text = error.inner_text()
    tab.screenshot(path=str(tmp_path / "banner.png"), full_page=True)
    assert f"附件“{doc.filename}”的页眉中有“机密★5年”" in text, text     # the name it is served under
    assert "删去密级标志" in text
    assert NewsPage.objects.get(pk=page.pk).live is False
