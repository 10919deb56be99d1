"""The paper forms of a dossier (DOMAIN.md §5.4; TT 01/2018/TT-VPCP Phụ lục, Mẫu 01–05).

A slip is issued by the service of the transition that generates it, inside the same
transaction: its data are copied from the dossier at that moment into ``Slip.snapshot`` and the
PDF is always rendered from that snapshot, never from the live dossier. A reprint a year later
is therefore identical to the paper the applicant holds, even if an officer has corrected the
applicant's name or the appointment since (NĐ 61/2018/NĐ-CP Điều 19: the receipt is proof of
what was received and promised).

Code refers to forms by role; the number printed in the corner ("Mẫu số 01") comes from the
one-stop rule set in force on the issue date (``settings["forms"]``), else the 2018 numbering.

The slip's own number is the dossier code with a suffix per role (``…/HDHS`` for a supplement
request, ``…/PXL`` for an apology), and ``-2``, ``-3`` for a second request of the same kind.
It is allocated under the dossier's row lock that every transition holds, so two officers can
never print the same number, and it needs no counter table of its own. A counter dossier refused
or sent back for supplements before acceptance has no code yet (D12): its slip is printed with
a blank number for the desk's paper book, rather than exposing the database key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import segno
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core.selectors import ruleset_in_force
from minhbach.dossiers import links
from minhbach.dossiers.models import Dossier, DossierStep, Punctuality, Slip
from minhbach.dossiers.transitions import TRANSITIONS
from minhbach.procedures.models import Channel, TimeUnit
from minhbach.procedures.posters import _number, _place
from minhbach.procedures.qr import ERROR_CORRECTION
from minhbach.units.models import Agency

Role = Slip.Role

#: The 2018 set (TT 01/2018/TT-VPCP); the register (Mẫu 06) is not a slip but shares the table.
NUMBERS_2018: dict[str, str] = {
    Role.RECEIPT: "01",
    Role.SUPPLEMENT_REQUEST: "02",
    Role.REFUSAL: "03",
    Role.APOLOGY_EXTENSION: "04",
    Role.CONTROL_SLIP: "05",
    "register": "06",
}

#: Suffix of the slip number per role (``/HDHS`` and ``/PXL`` are the ones used in Quảng Nam [V-3P]).
SUFFIXES: dict[str, str] = {
    Role.RECEIPT: "",
    Role.SUPPLEMENT_REQUEST: "HDHS",
    Role.REFUSAL: "TCHS",
    Role.APOLOGY_EXTENSION: "PXL",
    Role.STOP_NOTICE: "TBD",
    Role.CONTROL_SLIP: "PKS",
}

QR_SIZE_CM = Decimal("3")
QR_BORDER = 2
#: Snapshot keys holding a moment, stored as ISO text and turned back into datetimes to print.
MOMENT_SUFFIX = "_at"


def form_numbering(on: dt.date) -> tuple[str, dict[str, str]]:
    """(form set, role → number) of the rule set in force on ``on``.

    ``settings["forms"]`` of the one-stop rule set may read ``{"set": "2025", "numbers":
    {"receipt": "01", …}}``; roles it leaves out keep their 2018 number.
    """
    ruleset = ruleset_in_force("onestop", on)
    forms = (ruleset.settings or {}).get("forms") if ruleset else None
    if not isinstance(forms, dict):
        return "2018", dict(NUMBERS_2018)
    numbers = forms.get("numbers", {})
    return str(forms.get("set", "2018")), {**NUMBERS_2018, **{str(k): str(v) for k, v in numbers.items()}}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def time_limit_label(dossier: Dossier) -> str:
    unit = dossier.time_limit_unit
    if not unit or unit == TimeUnit.UNSPECIFIED or dossier.time_limit_value is None:
        return _("Không quy định")
    if unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    return f"{_number(Decimal(dossier.time_limit_value))} {TimeUnit(unit).label}"


def _officer_name(actor: Any) -> str:
    official = getattr(actor, "official", None) if getattr(actor, "pk", None) else None
    return getattr(official, "full_name", "") or ""


def _agency(agency: Agency) -> dict[str, Any]:
    return {
        "name": agency.name,
        "parent": agency.parent.name if agency.parent_id else "",
        "address": agency.address,
        "phone": agency.spokesperson_phone,
        "place": _place(agency),
    }


def _applicant(dossier: Dossier) -> dict[str, str]:
    owner = dossier.owner
    return {
        "full_name": owner.full_name,
        "address": owner.address,
        "phone": owner.phone,
        "email": owner.email,
    }


def _base(dossier: Dossier, role: str, *, at: dt.datetime, actor: Any) -> dict[str, Any]:
    version = dossier.procedure_version
    return {
        "role": str(role),
        "title": str(Role(role).label),
        "issued_at": _iso(at),
        "officer": _officer_name(actor),
        "agency": _agency(dossier.receiving_agency),
        "dossier": {
            "code": dossier.code or "",
            "procedure_code": version.procedure.code,
            "procedure_name": version.name,
            "subject": dossier.subject or version.name,
            "channel": str(Channel(dossier.channel).label),
            "submitted_at": _iso(dossier.submitted_at),
            "accepted_at": _iso(dossier.accepted_at),
        },
        "applicant": _applicant(dossier),
    }


def _receipt(dossier: Dossier, **_kwargs: Any) -> dict[str, Any]:
    documents = [
        {"name": d.name, "originals": d.originals, "copies": d.copies}
        for d in dossier.documents.order_by("pk")
    ]
    agency = dossier.receiving_agency
    return {
        "documents": documents,
        "sets": 1,
        "time_limit": time_limit_label(dossier),
        "received_at": _iso(dossier.accepted_at),
        "printed_due_at": _iso(dossier.printed_due_at),
        "return_place": ", ".join(p for p in (agency.name, agency.address) if p),
        "lookup_url": links.lookup_url(dossier.code) if dossier.code else "",
        # Printed in words: the lookup page asks for the code and the phone's last four digits.
        "lookup_site": django_settings.PUBLIC_BASE_URL + links.LOOKUP_PATH.split("{", 1)[0],
    }


def _supplement(dossier: Dossier, *, request: Any = None, **_kwargs: Any) -> dict[str, Any]:
    if request is None:
        request = dossier.supplement_requests.order_by("-requested_at", "-pk").first()
    items = [{"name": i.get("name", ""), "reason": i.get("reason", "")} for i in request.items]
    return {
        "stage": request.stage,
        "requested_at": _iso(request.requested_at),
        "items": items,
        "reason": request.reason,
    }


def _refusal(dossier: Dossier, *, reason: str = "", **_kwargs: Any) -> dict[str, Any]:
    return {"reason": reason, "refused_at": _iso(dossier.ended_at)}


def _apology(dossier: Dossier, *, extension: Any = None, **_kwargs: Any) -> dict[str, Any]:
    if extension is None:
        extension = dossier.extension
    return {
        "received_at": _iso(dossier.accepted_at),
        "original_due_at": _iso(dossier.printed_due_at or dossier.original_due_at),
        "new_due_at": _iso(extension.new_due_at),
        "reason": extension.reason,
        "apology_at": _iso(extension.issued_at),
    }


def _control(dossier: Dossier, **_kwargs: Any) -> dict[str, Any]:
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "officer")
        .order_by("received_at", "pk")
    )
    handling = dossier.handling_agency or dossier.receiving_agency
    partners = sorted(
        {s.agency.name for s in steps if s.agency_id not in (handling.pk, dossier.receiving_agency_id)}
    )
    return {
        "handling_agency": handling.name,
        "partners": partners,
        "rows": [
            {
                "agency": step.agency.name,
                "officer": step.officer.full_name if step.officer_id else "",
                "received_at": _iso(step.received_at),
                "handed_over_at": _iso(step.handed_over_at),
                "step_due_at": _iso(step.step_due_at),
                "punctuality": str(Punctuality(step.punctuality).label) if step.punctuality else "",
                "note": step.note,
            }
            for step in steps
        ],
    }


BUILDERS = {
    Role.RECEIPT: _receipt,
    Role.SUPPLEMENT_REQUEST: _supplement,
    Role.REFUSAL: _refusal,
    Role.APOLOGY_EXTENSION: _apology,
    Role.CONTROL_SLIP: _control,
}


def snapshot(
    dossier: Dossier, role: str, *, at: dt.datetime, actor: Any = None, **extra: Any
) -> dict[str, Any]:
    """What the form shows, as plain JSON: everything the PDF needs, nothing read later."""
    data = _base(dossier, role, at=at, actor=actor)
    data.update(BUILDERS[Role(role)](dossier, **extra))
    return data


def _slip_number(dossier: Dossier, role: str) -> str:
    if not dossier.code:
        return ""  # a counter dossier before acceptance has no code yet: the officer writes it in
    code = dossier.code
    suffix = SUFFIXES.get(role, "")
    count = Slip.objects.filter(dossier=dossier, role=role).count()
    number = f"{code}/{suffix}" if suffix else code
    return f"{number}-{count + 1}" if count else number


def slip_issue(
    *, dossier: Dossier, role: str, at: dt.datetime | None = None, actor: Any = None, **extra: Any
) -> Slip:
    """Number the form, freeze its data and keep it with the dossier.

    Call it inside the transaction of the service that locked the dossier row. The control
    slip (Mẫu 05) is one sheet that travels with the file: each hand-over rewrites its rows
    under the same number instead of issuing a new sheet.
    """
    at = at or timezone.now()
    role = Role(role)
    form_set, numbers = form_numbering(timezone.localdate(at))
    data = snapshot(dossier, role, at=at, actor=actor, **extra)
    if role == Role.CONTROL_SLIP:
        existing = Slip.objects.filter(dossier=dossier, role=role).order_by("pk").first()
        if existing is not None:
            data.update(
                {
                    "issued_at": existing.snapshot.get("issued_at"),
                    "updated_at": _iso(at),
                    "number": existing.number,
                    "form_set": existing.form_set,
                    "form_number": existing.form_number,
                }
            )
            existing.snapshot = data
            existing.save(update_fields=["snapshot"])
            return existing
    number = _slip_number(dossier, role)
    form_number = numbers.get(role, "")
    data.update({"number": number, "form_set": form_set, "form_number": form_number})
    return Slip.objects.create(
        dossier=dossier,
        role=role,
        form_set=form_set,
        form_number=form_number,
        number=number,
        issued_at=at,
        snapshot=data,
    )


def issue_for_transition(
    action: str, dossier: Dossier, *, at: dt.datetime, actor: Any, **extra: Any
) -> Slip | None:
    """The slip that goes with ``action`` in the transition table, if it has one this module prints."""
    transition = TRANSITIONS.get(action)
    role = transition.form if transition else ""
    if role not in BUILDERS:
        return None
    return slip_issue(dossier=dossier, role=role, at=at, actor=actor, **extra)


# --- rendering ------------------------------------------------------------------------------


def _moments(value: Any) -> Any:
    """The snapshot with every ``…_at`` ISO text turned back into an aware datetime."""
    if isinstance(value, dict):
        return {
            k: (
                dt.datetime.fromisoformat(v)
                if k.endswith(MOMENT_SUFFIX) and isinstance(v, str) and v
                else _moments(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_moments(v) for v in value]
    return value


def qr_data_uri(url: str) -> str:
    return segno.make(url, error=ERROR_CORRECTION, micro=False).svg_data_uri(scale=1, border=QR_BORDER)


def render_html(slip: Slip) -> str:
    data = _moments(slip.snapshot)
    issued = data.get("issued_at") or slip.issued_at
    context = {
        "s": data,
        "issued": timezone.localtime(issued),
        "qr": qr_data_uri(data["lookup_url"]) if data.get("lookup_url") else "",
        "qr_size": f"{QR_SIZE_CM}cm",
        "blank_rows": range(max(0, 4 - len(data.get("rows", [])))),
    }
    return render_to_string(f"dossiers/slips/{slip.role}.html", context)


def render_pdf(slip: Slip) -> bytes:
    """The form as an A4 PDF, from the snapshot only."""
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    return HTML(string=render_html(slip), base_url=django_settings.PUBLIC_BASE_URL).write_pdf()


def filename(slip: Slip) -> str:
    code = (slip.snapshot.get("dossier", {}).get("code") or f"ho-so-{slip.dossier_id}").replace("/", "-")
    return f"mau-{slip.form_number or slip.role}-{code}-{slip.pk}.pdf"
