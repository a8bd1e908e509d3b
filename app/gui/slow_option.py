"""The option to include the slow collectors, listed for the platform of the chosen source."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QWidget

from acronis_triage.collectors.base import SLOW, Collector

SLOW_TAG = SLOW

# Past ten minutes the seconds of an estimate are noise.
WHOLE_MINUTES_FROM_S = 600


def slow_collectors(classes: Sequence[type[Collector]], target_os: str | None) -> tuple[type[Collector], ...]:
    """The collectors that ``include_slow`` switches on or off for a target; every platform's if it is unknown."""
    return tuple(cls for cls in classes
                 if SLOW_TAG in cls.tags
                 and (target_os is None or target_os in cls.platforms))


class SlowCollectorsOption(QCheckBox):
    """A checkbox for the slow collectors of the chosen source: their titles and expected durations.

    It is disabled (and unchecked) when none of them can run on that source: they read the running system, and
    the demo machine or an offline folder is a copy of files. The user's own choice is kept meanwhile, so
    going back to "This computer" brings it back.

    Args:
        classes: the collectors a run would choose from.
        checked: the choice before the user makes one.
    """

    def __init__(self, classes: Sequence[type[Collector]], *, checked: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._classes = tuple(classes)
        self._choice = checked
        self._listed: tuple[type[Collector], ...] = ()
        self._runnable = False
        self._busy = False
        self.toggled.connect(self._remember)
        self.show_for(None, live=False)

    def set_classes(self, classes: Sequence[type[Collector]]) -> None:
        self._classes = tuple(classes)

    # ---- what the window asks

    def listed(self) -> tuple[type[Collector], ...]:
        return self._listed

    def include_slow(self) -> bool:
        """The value for ``CollectOptions.include_slow``: False when they cannot run here anyway."""
        return self._runnable and self._choice

    def show_for(self, target_os: str | None, *, live: bool) -> None:
        """List the slow collectors of ``target_os`` (None: not known yet) and say whether they can run."""
        self._listed = slow_collectors(self._classes, target_os)
        self._runnable = any(live or not cls.needs_live for cls in self._listed)
        self._update_text()
        self._update_tips()
        self.setChecked(self._choice if self._runnable else False)
        self.setEnabled(self._runnable and not self._busy)

    def set_busy(self, busy: bool) -> None:
        """Locked during a run, like the other choices."""
        self._busy = busy
        self.setEnabled(self._runnable and not busy)

    # ---- words

    def duration_words(self, seconds: float) -> str:
        total = max(1, round(seconds))
        if total < 60:
            return self.tr("about %1").replace("%1", self._seconds(total))
        minutes, rest = divmod(total, 60)
        if total >= WHOLE_MINUTES_FROM_S or rest == 0:
            return self.tr("about %1").replace("%1", self._minutes(round(total / 60)))
        return self.tr("about %1 %2").replace("%1", self._minutes(minutes)).replace("%2", self._seconds(rest))

    def _minutes(self, n: int) -> str:
        return self.tr("1 minute") if n == 1 else self.tr("%1 minutes").replace("%1", str(n))

    def _seconds(self, n: int) -> str:
        return self.tr("1 second") if n == 1 else self.tr("%1 seconds").replace("%1", str(n))

    def _update_text(self) -> None:
        if not self._listed:
            self.setText(self.tr("&Include slow collectors (none for this system)"))
            return
        items = [self.tr("%1: %2").replace("%1", cls.title).replace("%2", self.duration_words(cls.expected_duration_s))
                 for cls in self._listed]
        self.setText(self.tr("&Include %1").replace("%1", "; ".join(items)))

    def _update_tips(self) -> None:
        one = len(self._listed) == 1
        paragraphs = []
        if not self._listed:
            paragraphs.append(html.escape(self.tr("No slow collector applies to this system.")))
        elif not self._runnable:
            why = (self.tr("Not available for this source: this collector reads the running system, and the demo "
                           "machine or an offline folder is a copy of its files. Choose “This computer” to "
                           "include it.") if one else
                   self.tr("Not available for this source: these collectors read the running system, and the "
                           "demo machine or an offline folder is a copy of its files. Choose “This computer” to "
                           "include them."))
            paragraphs.append(html.escape(why))
        for cls in self._listed:
            line = f"<b>{html.escape(cls.title)}</b>: {html.escape(cls.description)}"
            if cls.needs_admin:
                line += " " + html.escape(self.tr("Needs administrator rights."))
            paragraphs.append(line)
        # Rich text, so Qt wraps the long lines.
        self.setToolTip("".join(f"<p>{p}</p>" for p in paragraphs))
        if not self._listed:
            tip = ""
        elif not self._runnable:
            tip = self.tr("Not available for this source: the slow collectors need the running system")
        else:
            names = ", ".join(cls.title for cls in self._listed)
            tip = (self.tr("Also runs %1 and adds its report to the bundle; the collection takes that much longer")
                   if one else
                   self.tr("Also runs %1 and adds their reports to the bundle; the collection takes that much "
                           "longer")).replace("%1", names)
        self.setStatusTip(tip)

    def _remember(self, checked: bool) -> None:
        # Unchecked because they cannot run here is not the user's choice.
        if self._runnable:
            self._choice = checked
