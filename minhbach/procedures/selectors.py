"""Reads of the public procedure catalogue: search with ranking, the list and the detail page.

Citizens type on phones, mostly without diacritics ("dang ky khai sinh"), so the query is folded
(``core.text.fold``) and matched against ``Procedure.search_text``, the folded form of the
current name, field, keywords and code (in that order, see ``services._refresh_current``).
The ranking is a ``Case``/``When`` over plain ``LIKE`` and ``LENGTH``, so SQLite and PostgreSQL
give the same order:

0. the code typed exactly, or the folded name equal to the phrase (``Thủ tục `` prefix ignored);
1. the name starts with the phrase;
2. the phrase starts a word of the name;
3. every word of the query starts a word somewhere (name, field, keywords, code);
4. at least one word does (rows matching no word are left out).

Ties go to the shorter name without its ``Thủ tục `` prefix, then the code: "Thủ tục đăng ký
khai sinh" (1.001193) comes before "Thủ tục đăng ký lại khai sinh" and "Thủ tục đăng ký khai
sinh có yếu tố nước ngoài" because, among names containing the phrase, the plain one is the
shortest.

Only procedures whose current version is in force are public (NĐ 63/2010/NĐ-CP Điều 17: the
procedures published are those in force).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from functools import reduce
from operator import and_, or_

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from minhbach.core.text import fold
from minhbach.procedures.models import (
    Level,
    OnlineService,
    Procedure,
    ProcedureAssignment,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
    TimeUnit,
)
from minhbach.units.models import Agency

#: Folded prefix that most national names carry ("Thủ tục đăng ký khai sinh").
NAME_PREFIX = "thu tuc "
#: Longest query kept (characters, after folding) and most words matched one by one.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8

#: Shape of a national procedure code (``1.001193``, ``1.012753.H19``); anything else is
#: answered "not found" without a query (PostgreSQL rejects some characters, e.g. NUL).
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")

RANK_EXACT, RANK_STARTS, RANK_PHRASE, RANK_ALL_WORDS, RANK_ANY_WORD = range(5)

# Columns the list and the search never show; the national record alone can weigh 100 kB.
_LIST_ONLY = (
    "code",
    "name",
    "levels",
    "full_online_eligible",
    "field",
    "field__name",
    "field__slug",
    "current_version",
    "current_version__id",
    "current_version__status",
)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _valid_on(today: dt.date) -> Q:
    return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))


def active_assignments(today: dt.date | None = None) -> QuerySet[ProcedureAssignment]:
    """Assignments (which agency handles which procedure) valid on ``today``."""
    return ProcedureAssignment.objects.filter(_valid_on(_today(today)))


def active_online_services(today: dt.date | None = None) -> QuerySet[OnlineService]:
    return OnlineService.objects.filter(_valid_on(_today(today)))


def public_procedures(today: dt.date | None = None) -> QuerySet[Procedure]:
    """Procedures whose current version is in force, with ``online_available`` annotated.

    A procedure is available online when the national record marks it eligible for full online
    service or when a handling agency runs an online service for it today (NĐ 42/2022/NĐ-CP).
    """
    day = _today(today)
    service = active_online_services(day).filter(procedure=OuterRef("pk"))
    return (
        Procedure.objects.filter(current_version__status=ProcedureVersion.Status.IN_FORCE)
        .filter(Q(current_version__valid_to__isnull=True) | Q(current_version__valid_to__gte=day))
        .annotate(
            online_available=ExpressionWrapper(
                Q(full_online_eligible=True) | Q(Exists(service)), output_field=BooleanField()
            )
        )
    )


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    """The query as matched: folded, without a leading "thu tuc", and its words."""

    raw: str
    phrase: str
    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.phrase)


def parse_query(query: str | None) -> ParsedQuery:
    # PostgreSQL refuses NUL in text; nothing a citizen types contains one.
    raw = (query or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    folded = fold(raw)
    phrase = folded.removeprefix(NAME_PREFIX) if folded != NAME_PREFIX.strip() else folded
    words = tuple(dict.fromkeys(phrase.split()))[:MAX_QUERY_WORDS]
    return ParsedQuery(raw=raw, phrase=phrase, words=words)


def _ranked(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    phrase, words = parsed.phrase, parsed.words
    prefixed = NAME_PREFIX + phrase
    queryset = queryset.alias(
        _name_len=Length("name"),
        # The folded name is the head of search_text; LENGTH(name) bounds it (folding never
        # lengthens Vietnamese text, it only drops punctuation), so this is the folded name
        # plus at most a few characters of the field when the name has punctuation.
        _name_part=Concat(Value(" "), Substr("search_text", 1, Length("name")), output_field=TextField()),
        _text=Concat(Value(" "), "search_text", output_field=TextField()),
    )
    exact = (
        Q(code__iexact=parsed.raw)
        | (Q(_name_len=len(phrase)) & Q(search_text__startswith=phrase + " "))
        | (Q(_name_len=len(prefixed)) & Q(search_text__startswith=prefixed + " "))
    )
    starts = Q(_name_part__startswith=" " + phrase) | Q(_name_part__startswith=" " + prefixed)
    in_name = Q(_name_part__contains=" " + phrase)
    word_hits = [Q(_text__contains=" " + word) for word in words]
    all_words = reduce(and_, word_hits)
    any_word = reduce(or_, word_hits)
    return (
        queryset.filter(any_word | Q(code__iexact=parsed.raw))
        .annotate(
            search_rank=Case(
                When(exact, then=Value(RANK_EXACT)),
                When(starts, then=Value(RANK_STARTS)),
                When(in_name, then=Value(RANK_PHRASE)),
                When(all_words, then=Value(RANK_ALL_WORDS)),
                default=Value(RANK_ANY_WORD),
                output_field=IntegerField(),
            ),
            name_length=Case(
                When(search_text__startswith=NAME_PREFIX, then=Length("name") - len(NAME_PREFIX)),
                default=Length("name"),
                output_field=IntegerField(),
            ),
        )
        .order_by("search_rank", "name_length", "code", "pk")
    )


def _alphabetical(queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """Browsing order: the folded name without its "Thủ tục" prefix (ASCII, same on both DBs)."""
    skip = len(NAME_PREFIX)
    return queryset.annotate(
        sort_key=Case(
            When(
                search_text__startswith=NAME_PREFIX,
                then=Substr("search_text", skip + 1, Length("name") - skip),
            ),
            default=Substr("search_text", 1, Length("name")),
            output_field=TextField(),
        )
    ).order_by("sort_key", "code", "pk")


def search_procedures(
    query: str | None = "",
    *,
    field: str | None = None,
    level: str | None = None,
    agency: str | None = None,
    online: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Procedure]:
    """Public procedures matching ``query``, best first; filters are optional.

    ``field`` and ``agency`` are slugs (citizens see codes and slugs, never primary keys);
    ``level`` is a ``Level`` value; ``agency`` keeps procedures the agency handles today
    (``ProcedureAssignment``); ``online`` keeps those available online (True) or not (False).
    The rows carry what the list shows: field, levels, channels of the current version with
    their fees, and ``online_available``.
    """
    day = _today(today)
    queryset = public_procedures(day)
    if field:
        queryset = queryset.filter(field__slug=field)
    if level:
        # ``levels`` is a JSON list; a text match on the quoted value works on both databases
        # (SQLite has no JSON ``contains``). Values come from ``Level``, never free text.
        queryset = queryset.alias(_levels=Cast("levels", TextField())).filter(_levels__contains=f'"{level}"')
    if agency:
        handled = active_assignments(day).filter(procedure=OuterRef("pk"), agency__slug=agency)
        queryset = queryset.filter(Exists(handled))
    if online is not None:
        queryset = queryset.filter(online_available=online)
    parsed = parse_query(query)
    queryset = _ranked(queryset, parsed) if parsed else _alphabetical(queryset)
    return with_list_data(queryset)


def _channels_prefetch() -> tuple[Prefetch, str]:
    channels = ProcedureChannel.objects.order_by("channel", "pk")
    return Prefetch("current_version__channels", queryset=channels), "current_version__channels__fees"


def with_list_data(queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """What a list row shows, in a fixed number of queries whatever the page size."""
    return (
        queryset.select_related("field", "current_version")
        .only(*_LIST_ONLY)
        .prefetch_related(
            *_channels_prefetch(),
        )
    )


def procedure_detail(code: str, *, today: dt.date | None = None) -> Procedure | None:
    """One procedure with everything its page shows, or ``None``; not filtered by status.

    The caller decides what to do with a procedure that is no longer in force (the page says
    so, because QR codes printed for it may still hang at a counter).
    """
    if not CODE_RE.fullmatch(code):
        return None
    day = _today(today)
    return (
        Procedure.objects.filter(code=code)
        .select_related("field", "current_version", "current_version__decision", "current_version__field")
        .defer("current_version__source_record", "search_text")
        .prefetch_related(
            *_channels_prefetch(),
            "current_version__documents",
            "current_version__results",
            "current_version__legal_bases",
            Prefetch(
                "assignments",
                queryset=active_assignments(day)
                .select_related("agency", "agency__parent")
                .order_by("agency__path", "pk"),
                to_attr="active_assignments",
            ),
            Prefetch(
                "online_services",
                queryset=active_online_services(day).select_related("agency").order_by("agency__path", "pk"),
                to_attr="active_online_services",
            ),
        )
        .first()
    )


def is_public(procedure: Procedure, *, today: dt.date | None = None) -> bool:
    """The same rule as ``public_procedures``, for one procedure already loaded."""
    version = procedure.current_version
    return (
        version is not None
        and version.status == ProcedureVersion.Status.IN_FORCE
        and (version.valid_to is None or version.valid_to >= _today(today))
    )


def procedure_exists(code: str) -> bool:
    return bool(CODE_RE.fullmatch(code)) and Procedure.objects.filter(code=code).exists()


# --- Choices of the search form --------------------------------------------------------------


def field_choices() -> list[tuple[str, str]]:
    """(slug, name) of the fields that have a public procedure, in folded alphabetical order."""
    rows = (
        ProcedureField.objects.filter(procedures__current_version__status=ProcedureVersion.Status.IN_FORCE)
        .values_list("slug", "name")
        .distinct()
    )
    return sorted(rows, key=lambda row: fold(row[1]))


def agency_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    """(slug, name) of the agencies that handle at least one procedure today, in tree order."""
    handled = active_assignments(today).filter(agency=OuterRef("pk"))
    return list(Agency.objects.filter(Exists(handled)).order_by("path").values_list("slug", "name"))


def level_labels(levels: list[str]) -> list[str]:
    labels = dict(Level.choices)
    return [str(labels.get(value, value)) for value in levels]


# --- Plain-language labels shared by the pages and the API ---------------------------------


def public_contact(agency: Agency) -> Agency:
    """The agency whose office contact answers for ``agency``: itself, or its parent when it
    publishes none (a one-stop desk answers through its People's Committee).

    Only the office's public contact (address, spokesperson) is ever shown (Quy chế phát ngôn;
    NĐ 63/2010/NĐ-CP Điều 17 on the PAKN address); never a citizen's data.
    """
    own = agency.address or agency.spokesperson_name or agency.spokesperson_phone
    if not own and agency.parent_id is not None:
        return agency.parent
    return agency


def format_number(value: Decimal | int) -> str:
    """3 → "3", 1.5 → "1,5": Vietnamese decimal comma."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def format_vnd(amount: int) -> str:
    """50000 → "50.000 đồng" (Vietnamese thousands separator)."""
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


def time_limit_label(channel: ProcedureChannel) -> str:
    """ "3 ngày làm việc", "Trong ngày", or the source text when none could be read."""
    if channel.time_limit_unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    if channel.time_limit_unit == TimeUnit.UNSPECIFIED or channel.time_limit_value is None:
        return channel.time_limit_text.strip() or _("Không quy định")
    return _("%(value)s %(unit)s") % {
        "value": format_number(channel.time_limit_value),
        "unit": TimeUnit(channel.time_limit_unit).label,
    }


def fee_label(channel: ProcedureChannel) -> str:
    """ "Miễn phí" when every fee line is 0, else each line in đồng, else the source text."""
    fees = list(channel.fees.all())
    if not fees:
        return channel.fee_text.strip() or _("Không có thông tin")
    if all(fee.amount_vnd == 0 for fee in fees):
        return _("Miễn phí")
    parts = []
    for fee in fees:
        if fee.amount_vnd is None:  # not read from the source: show its words, never a guess
            parts.append(fee.basis_text.strip() or channel.fee_text.strip() or _("Không có thông tin"))
            continue
        amount = _("Miễn phí") if fee.amount_vnd == 0 else format_vnd(fee.amount_vnd)
        parts.append(f"{fee.name}: {amount}" if fee.name and len(fees) > 1 else amount)
    return "; ".join(parts)


def primary_channel(procedure: Procedure) -> ProcedureChannel | None:
    """The channel a list row summarises: in person if offered, else the first one."""
    version = procedure.current_version
    if version is None:
        return None
    channels = list(version.channels.all())
    return next((c for c in channels if c.channel == 1), channels[0] if channels else None)
