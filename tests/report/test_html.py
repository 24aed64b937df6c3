"""The HTML report: escaping and self-containment checked on the bytes, then
the page opened in a real headless Chromium."""
from __future__ import annotations

import re

from lxml import html as lxml_html

from scanner.report import ReportOptions


def test_page_is_self_contained_and_escapes_untrusted_text(results, rendered):
    page = rendered("html", results).decode("utf-8")
    tree = lxml_html.fromstring(page)
    # nothing is fetched: no src/href pointing anywhere but the page itself, a CSP forbidding it
    assert not re.search(r'(src|href)\s*=\s*"(?!#)', page)
    assert "default-src 'none'" in tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    # the finding's markup is shown as text, the only script is ours
    assert len(tree.xpath("//script")) == 1
    assert "window.pwned" not in tree.xpath("//script")[0].text
    hostile = tree.xpath('//section[@data-verdict="review"]//td[@class="context"]')
    assert any("<script>window.pwned=1</script>" in td.text_content() for td in hostile)
    assert 'evil"<i>.html' in [n.text_content() for n in tree.xpath('//span[@class="name"]')]


def test_items_in_verdict_order_with_unreadable_first_in_summary(results, rendered):
    tree = lxml_html.fromstring(rendered("html", results).decode("utf-8"))
    sections = tree.xpath("//main/section")
    assert [s.get("data-verdict") for s in sections] == ["block", "review", "review", "review", "clear", "clear"]
    # within review, the item that could not be read comes first
    assert sections[1].xpath('.//span[@class="name"]')[0].text == "broken.pdf"
    unread = tree.xpath('//div[@id="unread"]//a')
    assert [a.text for a in unread] == ["broken.pdf"]
    assert unread[0].get("href") == "#" + sections[1].get("id")
    assert tree.xpath('//table[@id="by-verdict"]//tr[@data-key="review"]/td')[0].text == "3"
    assert tree.xpath('//table[@id="by-level"]//tr[@data-key="机密"]/td')[0].text == "2"
    assert tree.xpath('//table[@id="by-level"]//tr/@data-key') == ["机密", "工作秘密"]  # most serious first


def test_highlight_and_mask(results, rendered):
    plain = lxml_html.fromstring(rendered("html", results).decode("utf-8"))
    assert "机密★5年" in [m.text for m in plain.xpath("//mark")]
    masked_page = rendered("html", results, ReportOptions(mask=True)).decode("utf-8")
    for secret in ("机密★5年", "天枢-7工程", "13812345678", "window.pwned"):
        assert secret not in masked_page
    masked = lxml_html.fromstring(masked_page)
    assert "机密★**" in [m.text for m in masked.xpath("//mark")]
    assert "[机密/mark] 机密★**" in [td.text_content() for td in masked.xpath('//td[@class="context"]')]


def test_empty_batch_renders(rendered):
    tree = lxml_html.fromstring(rendered("html", []).decode("utf-8"))
    assert tree.xpath('//p[@class="none"]')[0].text == "没有项目。"


def test_in_chromium_counts_highlight_filters_phone_and_print(results, rendered, browser, tmp_path):
    report = tmp_path / "report.html"
    report.write_bytes(rendered("html", results))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(report.as_uri())

    block_count = page.locator('#by-verdict tr[data-key="block"] td')
    assert block_count.is_visible() and block_count.inner_text() == "1"
    assert page.locator('#by-verdict tr[data-key="review"] td').inner_text() == "3"
    highlight = page.locator("mark", has_text="机密★5年")
    assert highlight.is_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#shown").inner_text() == "显示 6 / 6"
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000

    blocked = page.locator('main .item[data-verdict="block"]')
    page.uncheck('input[name=verdict][value="block"]')
    assert not blocked.is_visible() and not highlight.is_visible()
    assert page.locator('main .item[data-verdict="review"]').first.is_visible()
    assert page.locator("#shown").inner_text() == "显示 5 / 6"
    page.check('input[name=verdict][value="block"]')
    assert blocked.is_visible()

    page.select_option("#category-filter", "pii")
    assert page.locator("#shown").inner_text() == "显示 1 / 6"
    assert blocked.is_visible() and not highlight.is_visible()
    assert page.locator("td", has_text="13812345678").is_visible()
    page.select_option("#category-filter", "")

    # phone width: nothing overflows sideways
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert highlight.is_visible()
    page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)

    # print: the filter bar is gone, the findings stay
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible() and highlight.is_visible()
    page.pdf(path=str(tmp_path / "report.pdf"))
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    page.close()
