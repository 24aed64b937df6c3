"""preclear_wagtail on a real Wagtail site (Django test client through the real
admin views) against a real ``preclear serve``: every way a page goes live
asks the gate, refusals reach the editor in Chinese, documents are served
only when approved, and a gate that is down refuses."""
from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail_site.models import NewsPage

from preclear_wagtail.content import as_article
from preclear_wagtail.signals import PublicationRefused
from scanner.client import PreclearClient

from ..gate.conftest import free_port
from .conftest import approve


def docx_with_header(header: str) -> bytes:
    d = docx.Document()
    d.add_paragraph("档案整理工作安排")
    d.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def draft(title: str, body: str) -> NewsPage:
    page = NewsPage(title=title, slug=f"p{abs(hash(title)) % 10**8}", body=body, live=False)
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision()
    return page


def document(name: str, data: bytes):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(data), save=False)
    doc.save()
    return doc


def approve_page(service, who, page) -> None:
    """What the review office does: review and approve the page and its attachments."""
    article, attachments = as_article(NewsPage.objects.get(pk=page.pk).get_latest_revision_as_object())
    with PreclearClient(service.url, who["submitter"]["Authorization"][7:]) as c:
        approve(service, who, c.submit_page(article, attachments))


def edit(client, page, title: str, body: str, action: str = "action-publish"):
    data = nested_form_data({"title": title, "slug": page.slug, "body": rich_text(body),
                             "comments": inline_formset([])})
    if action:
        data[action] = action
    return client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data, follow=True)


def banner(response) -> str:
    return "\n".join(str(m) for m in response.context["messages"])


def live(page) -> bool:
    return NewsPage.objects.get(pk=page.pk).live


def live_text(page) -> str:
    """The body the public sees (the page row of a live page)."""
    fresh = NewsPage.objects.get(pk=page.pk)
    assert fresh.live
    return fresh.body


def saved_body(page) -> str:
    """The body as the editor's form has it after a save (with Draftail's block keys)."""
    return NewsPage.objects.get(pk=page.pk).get_latest_revision_as_object().body


def test_edit_publish_refused_until_approved(site):
    service, who, client = site
    page = draft("关于档案整理的通知", "<p>各单位：请报送材料。</p>")
    r = edit(client, page, page.title, "<p>各单位：请于月底前报送材料。</p>")
    assert "尚未批准发布" in banner(r) and "关于档案整理的通知" in banner(r)
    assert live(page) is False
    approve_page(service, who, page)        # the revision the editor saved was submitted; now approved
    r = edit(client, page, page.title, saved_body(page))   # the editor opens the page again and publishes
    assert r.status_code == 200 and "不能发布" not in banner(r)
    assert "请于月底前报送材料" in live_text(page)
    # an edit of the live page after approval is refused; the approved content stays live
    r = edit(client, page, page.title, "<p>各单位：请于月底前报送材料和名单。</p>")
    assert "尚未批准发布" in banner(r)
    assert "名单" not in live_text(page) and "请于月底前报送材料" in live_text(page)


def test_blocked_attachment_banner_names_file_part_and_text(site):
    _, _, client = site
    doc = document("附件2.docx", docx_with_header("机密★5年"))
    body = f'<p>见<a linktype="document" id="{doc.pk}">附件2</a>。</p>'
    page = draft("关于报送名单的通知", body)
    r = edit(client, page, page.title, body)
    text = banner(r)
    assert f"附件“{doc.filename}”的页眉中有“机密★5年”（密级标志，机密）：删去密级标志" in text
    assert text.startswith("不能发布：")
    assert live(page) is False


def test_page_with_approved_attachment_publishes_and_serves_it(site):
    service, who, client = site
    data = docx_with_header("档案整理")
    doc = document("附件1.docx", data)
    anonymous = Client()
    assert anonymous.get(doc.url).status_code == 403          # public from upload? no: not approved yet
    body = f'<p>见<a linktype="document" id="{doc.pk}">附件1</a>。</p>'
    page = draft("关于档案整理工作安排的通知", body)
    edit(client, page, page.title, body, action="")            # the editor saves: submitted
    approve_page(service, who, page)
    r = edit(client, page, page.title, saved_body(page))
    assert "不能发布" not in banner(r) and live(page) is True
    r = anonymous.get(doc.url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == data


def test_create_view_does_not_leave_a_refused_page_live(site):
    _, _, client = site
    home = Page.objects.get(depth=2)
    data = nested_form_data({"title": "新建即发布的通知", "slug": "created-live", "body": rich_text("<p>新内容。</p>"),
                             "comments": inline_formset([]), "action-publish": "action-publish"})
    r = client.post(reverse("wagtailadmin_pages:add", args=("wagtail_site", "newspage", home.pk)), data,
                    follow=True)
    page = NewsPage.objects.get(slug="created-live")
    assert page.live is False and page.has_unpublished_changes is True
    assert "尚未批准发布" in banner(r)


def test_bulk_publish_is_gated(site):
    service, who, client = site
    pages = [draft(f"批量发布的通知{n}", f"<p>第{n}份。</p>") for n in (1, 2)]
    approve_page(service, who, pages[0])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    r = client.post(f"{url}?id={pages[0].pk}&id={pages[1].pk}", {"include_descendants": False}, follow=True)
    assert "《批量发布的通知2》" in banner(r) and "《批量发布的通知1》" not in banner(r)
    assert [live(p) for p in pages] == [False, False]


def test_scheduled_publishing_waits_for_approval(site):
    service, who, _ = site
    page = draft("定时发布的通知", "<p>定时发布。</p>")
    revision = page.get_latest_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    out = io.StringIO()
    call_command("preclear_publish_scheduled", stdout=out)
    assert "refused: 定时发布的通知" in out.getvalue() and live(page) is False
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    approve_page(service, who, page)
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    call_command("preclear_publish_scheduled", stdout=io.StringIO())
    assert live_text(page) == "<p>定时发布。</p>"


def test_publishing_from_code_or_a_workflow_is_guarded(site):
    service, who, _ = site
    page = draft("工作流发布的通知", "<p>第一版。</p>")
    approve_page(service, who, page)
    page.get_latest_revision().publish()
    assert live_text(page) == "<p>第一版。</p>"
    page.body = "<p>第二版，未经审查。</p>"
    revision = page.save_revision()
    with pytest.raises(PublicationRefused) as refused:
        revision.publish()                                   # what workflow approval and bulk publish call
    assert "尚未提交保密审查" in str(refused.value) or "尚未批准发布" in str(refused.value)
    assert live_text(page) == "<p>第一版。</p>"


def test_gate_down_refuses(site):
    service, who, client = site
    page = draft("服务中断时的通知", "<p>内容。</p>")
    approve_page(service, who, page)
    with override_settings(PRECLEAR_URL=f"http://127.0.0.1:{free_port()}", PRECLEAR_TIMEOUT=2):
        r = edit(client, page, page.title, saved_body(page))
    assert "保密审查服务没有给出可用的答复" in banner(r) and live(page) is False


def test_workflow_approval_does_not_publish_refused_content(site):
    from wagtail.models import Workflow

    service, who, client = site
    assert Workflow.objects.filter(active=True).exists()       # Wagtail's default moderators workflow
    page = draft("经工作流审批的通知", "<p>待审批。</p>")
    r = edit(client, page, page.title, "<p>待审批。</p>", action="action-submit")
    page = NewsPage.objects.get(pk=page.pk)
    task_state = page.current_workflow_task_state
    assert task_state is not None
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    r = client.post(url, {"comment": ""}, follow=True)
    assert "尚未批准发布" in banner(r) and live(page) is False
    assert NewsPage.objects.get(pk=page.pk).current_workflow_task_state.status == "in_progress"
    approve_page(service, who, page)
    page = NewsPage.objects.get(pk=page.pk)
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    r = client.post(url, {"comment": ""})
    assert live_text(page) == saved_body(page)
