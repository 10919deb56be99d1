"""Public read API of the catalogue: anyone may read, nobody writes, nothing personal.

``GET /api/v1/public/procedures/`` searches like the public page (same selector, same ranking);
``GET /api/v1/public/procedures/<code>/`` returns one procedure in force with its channels,
documents, results, legal bases and the units handling it today.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny

from minhbach.procedures import selectors
from minhbach.procedures.api.filters import ProcedureFilter
from minhbach.procedures.api.serializers import ProcedureDetailSerializer, ProcedureListSerializer

TAG = "Thủ tục hành chính"


class PublicLimitOffsetPagination(LimitOffsetPagination):
    """``limit`` 1–100 (default 20), ``offset`` 0–100 000; anything else is a 400, not a guess.

    DRF's own class silently replaces a malformed value by the default and passes a huge offset
    on to the database (an integer overflow, hence a 500, on SQLite).
    """

    default_limit = 20
    max_limit = 100
    max_offset = 100_000

    def _bounded(self, request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise ValidationError(
                {name: [_("“%(value)s” không hợp lệ: cần một số nguyên từ %(low)d đến %(high)d.")
                        % {"value": raw[:40], "low": low, "high": high}]}
            )  # fmt: skip
        return value

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": str(gettext_lazy("Số kết quả mỗi trang (mặc định 20).")),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": str(gettext_lazy("Vị trí bắt đầu trong danh sách kết quả (từ 0).")),
                "schema": {"type": "integer", "minimum": 0, "maximum": self.max_offset},
            },
        ]

    def get_limit(self, request) -> int:
        return self._bounded(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request) -> int:
        return self._bounded(request, self.offset_query_param, 0, 0, self.max_offset)


class _Public:
    permission_classes = [AllowAny]
    authentication_classes: list = []  # no session, no CSRF: nothing here depends on who asks


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tìm thủ tục hành chính đang áp dụng"),
        description=gettext_lazy(
            "Tìm không phân biệt dấu và hoa thường; kết quả xếp theo mức độ khớp: trùng tên, tên bắt đầu "
            "bằng cụm từ, tên chứa cụm từ, đủ các từ, một trong các từ; cùng mức thì tên ngắn hơn trước."
        ),
        responses={200: ProcedureListSerializer(many=True), 400: OpenApiResponse(description="Tham số sai")},
    )
)
class ProcedureListView(_Public, generics.ListAPIView):
    serializer_class = ProcedureListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProcedureFilter
    pagination_class = PublicLimitOffsetPagination

    def get_queryset(self):
        # The filter set replaces this by the selector's search; it is kept for introspection.
        return selectors.public_procedures()


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Chi tiết một thủ tục hành chính đang áp dụng"),
        responses={200: ProcedureDetailSerializer, 404: OpenApiResponse(description="Không có thủ tục")},
    )
)
class ProcedureDetailView(_Public, generics.RetrieveAPIView):
    serializer_class = ProcedureDetailSerializer
    lookup_field = "code"

    def get_object(self):
        procedure = selectors.procedure_detail(self.kwargs["code"])
        if procedure is None or not selectors.is_public(procedure):
            raise NotFound(_("Không có thủ tục hành chính đang áp dụng với mã “%(code)s”.")
                           % {"code": self.kwargs["code"][:60]})  # fmt: skip
        procedure.online_available = procedure.full_online_eligible or bool(procedure.active_online_services)
        return procedure
