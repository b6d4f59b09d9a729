"""Register a person for an event, or edit their details: plain words, optional means optional."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from engagement_desk.core.people import (
    ACCESS_NEEDS,
    AGE_BANDS,
    EHCP_STATUSES,
    NEED_AREAS,
    ROLES,
    SETTINGS,
    PersonDraft,
)
from engagement_desk.services.errors import ValidationFailed
from engagement_desk.services.registrations import RegistrationInfo, RegistrationService
from engagement_desk.ui.forms import GuardedDialog
from engagement_desk.ui.layouts import ContentScroll, fit_on_screen
from engagement_desk.ui.problems import ProblemBanner
from engagement_desk.ui.prompts import Prompter

NOT_GIVEN = "Not given"


def _choices(values: tuple[str, ...], name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItem(NOT_GIVEN, None)
    for value in values:
        box.addItem(value[0].upper() + value[1:], value)
    return box


def _ticks(values: tuple[str, ...], columns: int = 2) -> tuple[QGridLayout, dict[str, QCheckBox]]:
    grid = QGridLayout()
    boxes: dict[str, QCheckBox] = {}
    for n, value in enumerate(values):
        box = QCheckBox(value[0].upper() + value[1:])
        box.setAccessibleName(box.text())
        grid.addWidget(box, n // columns, n % columns)
        boxes[value] = box
    return grid, boxes


class PersonDialog(GuardedDialog):
    """New registration for ``event_id``, or an edit of ``person_id``'s details. Opens with
    the name field ready for typing; Escape asks before losing changes."""

    def __init__(
        self,
        registrations: RegistrationService,
        *,
        event_id: str | None = None,
        event_title: str = "",
        person_id: str | None = None,
        parent: QWidget | None = None,
        prompter: Prompter | None = None,
    ) -> None:
        super().__init__(parent, prompter=prompter)
        if (event_id is None) == (person_id is None):
            raise ValueError("give exactly one of event_id and person_id")
        self._registrations = registrations
        self._event_id = event_id
        self._person_id = person_id
        self.saved: RegistrationInfo | None = None
        self.setWindowTitle(
            f"Register for {event_title}" if event_id else "Edit a person's details"
        )
        self.setAccessibleName(self.windowTitle())
        self._build()
        if person_id is not None:
            self._load(registrations.person(person_id).draft)
        self._consent_changed()
        self.mark_unchanged(self.name)

    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setAccessibleName("Full name")
        self.email = QLineEdit()
        self.email.setAccessibleName("Email (optional)")
        self.phone = QLineEdit()
        self.phone.setAccessibleName("Phone (optional)")
        self.postcode = QLineEdit()
        self.postcode.setAccessibleName("Postcode (optional; only the first half is kept)")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in ROLES:
            self.role.addItem(role[0].upper() + role[1:], role)

        self.consent_store = QCheckBox("They agree we keep their details for this event")
        self.consent_special = QCheckBox(
            "They agree we keep details of their child's special educational needs"
        )
        self.consent_contact = QCheckBox("They would like to hear about future events")
        self.consent_quote = QCheckBox("We may quote their words anonymously")
        for box in (
            self.consent_store,
            self.consent_special,
            self.consent_contact,
            self.consent_quote,
        ):
            box.setAccessibleName(box.text())
        self.consent_special.toggled.connect(self._consent_changed)

        self.age_band = _choices(AGE_BANDS, "Child's age band")
        self.setting = _choices(SETTINGS, "Child's setting")
        self.ehcp = _choices(EHCP_STATUSES, "EHCP status")
        needs_grid, self.need_areas = _ticks(NEED_AREAS)
        self.child_box = QGroupBox("About their child (only with consent; every answer optional)")
        child_form = QFormLayout(self.child_box)
        child_form.addRow("Age band", self.age_band)
        child_form.addRow("Setting", self.setting)
        child_form.addRow("EHCP", self.ehcp)
        child_form.addRow("Areas of need", needs_grid)

        access_grid, self.access_needs = _ticks(ACCESS_NEEDS, 3)
        self.access_notes = QLineEdit()
        self.access_notes.setAccessibleName("Other access needs, in their words")
        access_box = QGroupBox("Access needs for the day")
        access_layout = QVBoxLayout(access_box)
        access_layout.addLayout(access_grid)
        access_layout.addWidget(self.access_notes)

        form = QFormLayout()
        for text, widget in (
            ("&Name", self.name),
            ("&Email", self.email),
            ("P&hone", self.phone),
            ("Post&code", self.postcode),
            ("&Role", self.role),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        consents = QGroupBox("Consent (ask each one separately)")
        consent_layout = QVBoxLayout(consents)
        for box in (
            self.consent_store,
            self.consent_special,
            self.consent_contact,
            self.consent_quote,
        ):
            consent_layout.addWidget(box)

        self.problems = ProblemBanner(
            {
                "full_name": self.name,
                "email": self.email,
                "phone": self.phone,
                "postcode": self.postcode,
                "consent_store": self.consent_store,
            }
        )
        layout = QVBoxLayout()
        layout.addWidget(self.problems)
        layout.addLayout(form)
        layout.addWidget(consents)
        layout.addWidget(self.child_box)
        layout.addWidget(access_box)
        scroll = ContentScroll(layout)  # up and down on a small screen, never sideways
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save")
        outer = QVBoxLayout(self)
        outer.addWidget(scroll)
        outer.addWidget(buttons)
        fit_on_screen(self, QSize(max(780, self.sizeHint().width()), 760))

    def _consent_changed(self) -> None:
        self.child_box.setEnabled(self.consent_special.isChecked())

    def _load(self, draft: PersonDraft) -> None:
        self.name.setText(draft.full_name)
        self.email.setText(draft.email or "")
        self.phone.setText(draft.phone or "")
        self.postcode.setText(draft.postcode)
        self.role.setCurrentIndex(max(self.role.findData(draft.role), 0))
        self.consent_store.setChecked(draft.consent_store)
        self.consent_special.setChecked(draft.consent_special_category)
        self.consent_contact.setChecked(draft.consent_future_contact)
        self.consent_quote.setChecked(draft.consent_quote)
        for box, value in (
            (self.age_band, draft.child_age_band),
            (self.setting, draft.child_setting),
            (self.ehcp, draft.ehcp_status),
        ):
            box.setCurrentIndex(max(box.findData(value), 0))
        for value, tick in self.need_areas.items():
            tick.setChecked(value in draft.need_areas)
        for value, tick in self.access_needs.items():
            tick.setChecked(value in draft.access_needs)
        self.access_notes.setText(draft.access_notes)

    def draft(self) -> PersonDraft:
        special = self.consent_special.isChecked()
        return PersonDraft(
            full_name=self.name.text(),
            email=self.email.text() or None,
            phone=self.phone.text() or None,
            postcode=self.postcode.text(),
            role=str(self.role.currentData()),
            child_age_band=self.age_band.currentData() if special else None,
            child_setting=self.setting.currentData() if special else None,
            ehcp_status=self.ehcp.currentData() if special else None,
            need_areas=tuple(v for v, b in self.need_areas.items() if b.isChecked())
            if special
            else (),
            access_needs=tuple(v for v, b in self.access_needs.items() if b.isChecked()),
            access_notes=self.access_notes.text(),
            consent_store=self.consent_store.isChecked(),
            consent_special_category=special,
            consent_future_contact=self.consent_contact.isChecked(),
            consent_quote=self.consent_quote.isChecked(),
        )

    def save(self) -> None:
        try:
            if self._event_id is not None:
                self.saved = self._registrations.register(self._event_id, self.draft())
            else:
                assert self._person_id is not None
                self._registrations.update_person(self._person_id, self.draft())
        except ValidationFailed as failure:
            self.problems.show_problems(failure.problems)
            return
        self.accept()
