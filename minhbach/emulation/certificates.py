"""Printable papers of an award round: the Giấy khen certificate per recipient and the council minutes.

Rendered with WeasyPrint from templates (``emulation/pdf/``) and the DejaVu fonts, like the dossier
slips (``minhbach/dossiers/slips.py``). The certificate is printed from the recipient row, whose
name, unit and amount were copied at the decision (§10.13), so a reprint matches the decision
even if the official's record changes later. A revoked award still prints, marked revoked with
the public reason (Luật TĐKT 2022 Chương VII).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.utils import timezone

from minhbach.emulation.models import AwardRecipient, CouncilSession, Proposal, Vote


def _place(agency) -> str:
    unit = getattr(agency, "administrative_unit", None)
    name = getattr(unit, "name", "") or ""
    for prefix in ("Huyện ", "Xã ", "Thị trấn ", "Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading pango costs time on every other request

    return HTML(string=html, base_url=django_settings.PUBLIC_BASE_URL).write_pdf()


def certificate_html(recipient: AwardRecipient) -> str:
    decision = recipient.decision
    rnd = decision.round
    revocation = getattr(recipient, "revocation", None)
    return render_to_string(
        "emulation/pdf/certificate.html",
        {
            "r": recipient,
            "decision": decision,
            "movement": rnd.movement,
            "form": recipient.award_form,
            "issuer": decision.issuing_agency,
            "place": _place(decision.issuing_agency),
            "revocation": revocation,
        },
    )


def certificate_pdf(recipient: AwardRecipient) -> bytes:
    """One Giấy khen, A4 landscape."""
    return _pdf(certificate_html(recipient))


def minutes_html(session: CouncilSession) -> str:
    """Biên bản họp Hội đồng: attendance, the draw seed and witnesses, the count per proposal."""
    attendance = list(session.attendance.select_related("member__official"))
    votes = list(Vote.objects.filter(session=session).values_list("proposal_id", "choice", "written"))
    tally: dict[int, dict[str, int]] = {}
    for proposal_id, choice, written in votes:
        row = tally.setdefault(proposal_id, {"agree": 0, "disagree": 0, "written": 0})
        row[choice] += 1
        row["written"] += int(written)
    proposals = list(
        Proposal.objects.filter(round=session.round)
        .select_related("agency", "official", "proposing_agency", "group")
        .order_by("group__code", "subject", "rank")
    )
    rows = []
    for p in proposals:
        t = tally.get(p.pk, {"agree": 0, "disagree": 0, "written": 0})
        rows.append({"p": p, **t, "abstain": session.members_count - t["agree"] - t["disagree"]})
    return render_to_string(
        "emulation/pdf/minutes.html",
        {
            "session": session,
            "round": session.round,
            "form": session.round.award_form,
            "present": [a for a in attendance if a.present],
            "absent": [a for a in attendance if not a.present],
            "rows": rows,
            "issuer": session.round.issuing_agency,
            "place": _place(session.round.issuing_agency),
            "printed": timezone.localtime(),
        },
    )


def minutes_pdf(session: CouncilSession) -> bytes:
    return _pdf(minutes_html(session))
