"""Texts the window shows that are data of other modules (the escalation form's labels, sections and help, the
issue categories, Acronis' severity scale, the collector presets), marked here so that translators find them.

`tests/gui/test_translatable.py` checks that every such text is listed: a field added to the form without its
line here fails the test.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

TEXTS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("Data", "Partner / service provider name"),
    QT_TRANSLATE_NOOP("Data", "Partner contact (name, e-mail, phone)"),
    QT_TRANSLATE_NOOP("Data", "Acronis account login (partner administrator)"),
    QT_TRANSLATE_NOOP("Data", "The login name support uses to find the account."),
    QT_TRANSLATE_NOOP("Data", "Data center"),
    QT_TRANSLATE_NOOP("Data", "For example EU2, US5."),
    QT_TRANSLATE_NOOP("Data", "Customer tenant (name or ID)"),
    QT_TRANSLATE_NOOP("Data", "Machine name"),
    QT_TRANSLATE_NOOP("Data", "Agent ID (MMSCurrentMachineID)"),
    QT_TRANSLATE_NOOP("Data", "Resource ID (InstanceID)"),
    QT_TRANSLATE_NOOP("Data", "Product"),
    QT_TRANSLATE_NOOP("Data", "Version and build"),
    QT_TRANSLATE_NOOP("Data", "Operating system"),
    QT_TRANSLATE_NOOP("Data", "Issue category"),
    QT_TRANSLATE_NOOP("Data", "Problem description (symptoms)"),
    QT_TRANSLATE_NOOP("Data", "First occurrence and frequency"),
    QT_TRANSLATE_NOOP("Data", "Activity or plan name and time"),
    QT_TRANSLATE_NOOP("Data", "Steps to reproduce"),
    QT_TRANSLATE_NOOP("Data", "Expected result"),
    QT_TRANSLATE_NOOP("Data", "Actual result"),
    QT_TRANSLATE_NOOP("Data", "Error messages, codes (serCode) and lookup links"),
    QT_TRANSLATE_NOOP("Data", "Knowledge base articles"),
    QT_TRANSLATE_NOOP("Data", "Troubleshooting checklist (from the KB workarounds)"),
    QT_TRANSLATE_NOOP("Data", "Tick each step once the customer has done it, or explain why it does not apply."),
    QT_TRANSLATE_NOOP("Data", "Troubleshooting already done"),
    QT_TRANSLATE_NOOP("Data", "KB articles applied, Connection Verification Tool result, "
                      "VSS Doctor result, service restarts, re-registration; with screenshots."),
    QT_TRANSLATE_NOOP("Data", "Information support will need"),
    QT_TRANSLATE_NOOP("Data", "Business impact"),
    QT_TRANSLATE_NOOP("Data", "Requested severity"),
    QT_TRANSLATE_NOOP("Data", "Consent to read-only access to the management console"),
    QT_TRANSLATE_NOOP("Data", "Files to attach"),
    QT_TRANSLATE_NOOP("Data", "Collection summary"),
    QT_TRANSLATE_NOOP("Data", "Partner and account"),
    QT_TRANSLATE_NOOP("Data", "Affected machine and product"),
    QT_TRANSLATE_NOOP("Data", "Problem"),
    QT_TRANSLATE_NOOP("Data", "Errors and knowledge base"),
    QT_TRANSLATE_NOOP("Data", "Troubleshooting"),
    QT_TRANSLATE_NOOP("Data", "Attachments"),
    QT_TRANSLATE_NOOP("Data", "Backup fails"),
    QT_TRANSLATE_NOOP("Data", "Recovery fails"),
    QT_TRANSLATE_NOOP("Data", "Agent offline / connectivity"),
    QT_TRANSLATE_NOOP("Data", "Agent registration"),
    QT_TRANSLATE_NOOP("Data", "Agent installation / update"),
    QT_TRANSLATE_NOOP("Data", "Storage / quota"),
    QT_TRANSLATE_NOOP("Data", "Licensing"),
    QT_TRANSLATE_NOOP("Data", "Performance"),
    QT_TRANSLATE_NOOP("Data", "Other"),
    QT_TRANSLATE_NOOP("Data", "Critical: production down or data loss"),
    QT_TRANSLATE_NOOP("Data", "Serious: backups or recoveries fail, no workaround"),
    QT_TRANSLATE_NOOP("Data", "Minor: a workaround exists, limited impact"),
    QT_TRANSLATE_NOOP("Data", "Question or information request"),
    QT_TRANSLATE_NOOP("Data", "Recommended"),
    QT_TRANSLATE_NOOP("Data", "Every collector that applies, the slow ones included"),
    QT_TRANSLATE_NOOP("Data", "Quick"),
    QT_TRANSLATE_NOOP("Data", "Every collector that applies, without the slow ones"),
    QT_TRANSLATE_NOOP("Data", "Acronis only"),
    QT_TRANSLATE_NOOP("Data", "Acronis products, settings and logs; no system diagnostics"),
    QT_TRANSLATE_NOOP("Data", "Backup or recovery fails"),
    QT_TRANSLATE_NOOP("Data", "Acronis data, VSS, volumes, filter drivers, event logs, SnapAPI and services"),
    QT_TRANSLATE_NOOP("Data", "Agent offline or registration"),
    QT_TRANSLATE_NOOP("Data", "Acronis data, connectivity to Acronis, proxy, services and system facts"),
)


def data_text(text: str) -> str:
    """The translation of a data text (the text itself where no translation is installed)."""
    return QCoreApplication.translate("Data", text)
