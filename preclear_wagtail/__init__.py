"""preclear for Wagtail: the confidentiality-review gate wired into a Wagtail site.

Add ``"preclear_wagtail"`` to ``INSTALLED_APPS`` and set ``PRECLEAR_URL`` and
``PRECLEAR_TOKEN`` (a submitter token).  Pages and documents are submitted
when saved; nothing goes live and no document is served unless the gate says
yes for the exact content (docs/cms.md).
"""
