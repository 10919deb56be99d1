"""Roles as Django groups, with their permissions as a table (synced after every migrate).

A role says *what* someone may do; *where* is decided by unit scope (``policies``). Later
modules add their permission codenames here; a codename whose model does not exist yet is
skipped, so the table can run ahead of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: tuple[str, ...]
    # Roles that oversee a whole jurisdiction (the secretariat, council members, auditors) see
    # the subtree of the people's committee above their office, not only their own office.
    jurisdiction_wide: bool = False


_VIEW_BASE = (
    "units.view_administrativeunit",
    "units.view_agency",
    "units.view_unitsuccession",
    "core.view_calendarday",
)

_DOSSIER_VIEW = ("dossiers.view_dossier",)
_DOSSIER_HANDLE = ("dossiers.view_dossier", "dossiers.change_dossier")
_DOSSIER_DESK = ("dossiers.view_dossier", "dossiers.add_dossier", "dossiers.change_dossier")
_FEEDBACK_VIEW = ("feedback.view_feedback",)
_FEEDBACK_HANDLE = ("feedback.view_feedback", "feedback.change_feedback")
_FEEDBACK_APPROVE = ("feedback.approve_feedback",)  # the unit leader approves and publishes answers
_FEEDBACK_DESK = ("feedback.view_feedback", "feedback.add_feedback", "feedback.change_feedback")
# Ratings are seen as aggregates only; nobody is granted a view of individual ratings' authors.
_RATINGS_VIEW = ("ratings.view_rating",)
_LISTING_VIEW = ("procedures.view_procedurelisting",)
_LISTING_EDIT = ("procedures.view_procedurelisting", "procedures.change_procedurelisting")
_DISCLOSURE_VIEW = (
    "disclosure.view_publicationitem",
    "disclosure.view_unitcontact",
    "disclosure.view_article",
)
_DISCLOSURE_EDIT = (*_DISCLOSURE_VIEW, "disclosure.add_publicationitem", "disclosure.change_publicationitem",
                    "disclosure.add_unitcontact", "disclosure.change_unitcontact", "disclosure.add_article",
                    "disclosure.change_article")  # fmt: skip
_EMULATION_VIEW = ("emulation.view_movement", "emulation.view_initiative", "emulation.view_annualrating",
                   "emulation.view_disciplinecase", "emulation.view_objection", "emulation.view_awardround",
                   "emulation.view_council", "emulation.view_councilsession",
                   "emulation.view_awarddecision", "emulation.view_taskcompletion",
                   "emulation.view_verification", "emulation.view_parindexresult")  # fmt: skip
_EMULATION_MANAGE = (*_EMULATION_VIEW, "emulation.add_evaluation", "emulation.add_initiative",
                     "emulation.add_taskcompletion", "emulation.add_verification",
                     "emulation.add_parindexresult",
                     "emulation.add_annualrating", "emulation.add_disciplinecase", "emulation.add_movement",
                     "emulation.add_review", "emulation.change_review", "emulation.add_emulationgroup",
                     "emulation.add_registration", "emulation.change_registration",
                     "emulation.add_replywindow", "emulation.change_objection", "emulation.add_awardround",
                     "emulation.change_awardround", "emulation.add_council", "emulation.add_councilsession",
                     "emulation.change_councilsession", "emulation.add_awarddecision",
                     "emulation.add_revocation")  # fmt: skip
_EMULATION_VOTE = ("emulation.add_vote",)  # a council member casts his own votes
_EMULATION_REPLY = ("emulation.add_objection",)  # a unit leader objects for his unit (§10.9)

ROLES: tuple[Role, ...] = (
    Role(
        "desk_officer",
        _("Cán bộ Bộ phận Một cửa"),
        (*_VIEW_BASE, *_LISTING_EDIT, *_DOSSIER_DESK, *_FEEDBACK_DESK, *_DISCLOSURE_VIEW),
    ),
    Role(
        "specialist",
        _("Chuyên viên xử lý hồ sơ"),
        (*_VIEW_BASE, *_DOSSIER_HANDLE, *_FEEDBACK_HANDLE, *_DISCLOSURE_VIEW),
    ),
    Role(
        "unit_leader",
        _("Lãnh đạo đơn vị"),
        (
            *_VIEW_BASE,
            *_LISTING_EDIT,
            *_DOSSIER_HANDLE,
            *_FEEDBACK_HANDLE,
            *_FEEDBACK_APPROVE,
            *_RATINGS_VIEW,
            *_DISCLOSURE_EDIT,
            *_EMULATION_REPLY,
            "accounts.view_official",
            "units.change_agency",
            "core.view_ledgerentry",
        ),
    ),
    Role(
        "secretariat",
        _("Thường trực thi đua (Phòng Nội vụ)"),
        (
            *_VIEW_BASE,
            *_LISTING_VIEW,
            *_DOSSIER_VIEW,
            *_FEEDBACK_VIEW,
            *_RATINGS_VIEW,
            *_DISCLOSURE_EDIT,
            *_EMULATION_MANAGE,
            "accounts.view_official",
            "core.view_ledgerentry",
            "core.add_calendarday",
            "core.change_calendarday",
            "core.delete_calendarday",
        ),
        jurisdiction_wide=True,
    ),
    Role(
        "council_member",
        _("Thành viên Hội đồng Thi đua – Khen thưởng"),
        (
            *_VIEW_BASE,
            *_LISTING_VIEW,
            *_DOSSIER_VIEW,
            *_FEEDBACK_VIEW,
            *_RATINGS_VIEW,
            *_DISCLOSURE_VIEW,
            *_EMULATION_VIEW,
            *_EMULATION_VOTE,
        ),
        jurisdiction_wide=True,
    ),
    Role(
        "auditor",
        _("Kiểm tra, giám sát (chỉ xem)"),
        (
            *_VIEW_BASE,
            *_LISTING_VIEW,
            *_DOSSIER_VIEW,
            *_FEEDBACK_VIEW,
            *_RATINGS_VIEW,
            *_DISCLOSURE_VIEW,
            *_EMULATION_VIEW,
            "accounts.view_official",
            "core.view_ledgerentry",
            "core.view_ruleset",
        ),
        jurisdiction_wide=True,
    ),
    Role(
        "administrator",
        _("Quản trị hệ thống"),
        (
            *_VIEW_BASE,
            *_LISTING_EDIT,
            *_DOSSIER_DESK,
            *_FEEDBACK_DESK,
            *_FEEDBACK_APPROVE,
            *_RATINGS_VIEW,
            *_DISCLOSURE_EDIT,
            "accounts.view_official",
            "accounts.add_official",
            "accounts.change_official",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "core.view_ledgerentry",
            "core.view_ruleset",
            "core.add_ruleset",
            "core.add_calendarday",
            "core.change_calendarday",
            "core.delete_calendarday",
            "units.add_agency",
            "units.change_agency",
            "units.add_administrativeunit",
            "units.change_administrativeunit",
        ),
        jurisdiction_wide=True,
    ),
)

ROLE_BY_CODE = {role.code: role for role in ROLES}


def sync_roles() -> None:
    """Create or update one group per role with exactly the permissions of the table."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for role in ROLES for perm in role.permissions}
    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={w.split(".", 1)[1] for w in wanted}
        )
    }
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set([by_key[p] for p in role.permissions if p in by_key])


def sync_roles_after_migrate(sender, **kwargs) -> None:
    sync_roles()
