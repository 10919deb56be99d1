"""Public read serializers: what the national record says, and who handles it. No personal data.

The handling units carry only their office's public contact (address, spokesperson), which the
unit must publish anyway (NĐ 63/2010/NĐ-CP Điều 17; quy chế phát ngôn); nothing about citizens
or staff accounts is reachable from here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minhbach.procedures import qr, selectors
from minhbach.procedures.models import (
    AnnouncingDecision,
    FeeLine,
    LegalBasis,
    OnlineService,
    Procedure,
    ProcedureChannel,
    ProcedureDocument,
    ProcedureField,
    ProcedureResult,
    ProcedureVersion,
)
from minhbach.units.models import Agency


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # Every model field read-only. Besides saying the truth (this API never writes), it keeps
    # the OpenAPI schema independent of the database: a writable integer field would carry the
    # backend's integer range (SQLite's int64 vs PostgreSQL's smallint) into ``openapi.yaml``.
    # (A comment, not a docstring: drf-spectacular would print it under every schema.)

    def get_extra_kwargs(self) -> dict:
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra


class FieldSerializer(ReadOnlyModelSerializer):
    """Lĩnh vực."""

    class Meta:
        model = ProcedureField
        fields = ["slug", "name"]


class FeeSerializer(ReadOnlyModelSerializer):
    """Một khoản phí, lệ phí; ``amount_vnd`` 0 là miễn, null là chưa đọc được (xem ``basis_text``)."""

    class Meta:
        model = FeeLine
        fields = ["name", "amount_vnd", "basis_text"]


class ChannelSummarySerializer(ReadOnlyModelSerializer):
    """Cách thức thực hiện: thời hạn giải quyết (giá trị + đơn vị) và phí, lệ phí."""

    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    time_limit_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    time_limit_display = serializers.SerializerMethodField()
    fee_display = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureChannel
        fields = [
            "channel",
            "channel_label",
            "time_limit_value",
            "time_limit_unit",
            "time_limit_display",
            "fee_display",
        ]

    def get_time_limit_display(self, channel: ProcedureChannel) -> str:
        return selectors.time_limit_label(channel)

    def get_fee_display(self, channel: ProcedureChannel) -> str:
        return selectors.fee_label(channel)


class ChannelSerializer(ChannelSummarySerializer):
    fees = FeeSerializer(many=True, read_only=True)

    class Meta(ChannelSummarySerializer.Meta):
        fields = [*ChannelSummarySerializer.Meta.fields, "time_limit_text", "fee_text", "fees", "description"]


class DocumentSerializer(ReadOnlyModelSerializer):
    """Thành phần hồ sơ: giấy tờ, mẫu đơn, số bản chính, bản sao."""

    class Meta:
        model = ProcedureDocument
        fields = ["group", "name", "form_template", "originals", "copies", "quantity_text", "mandatory"]


class ResultSerializer(ReadOnlyModelSerializer):
    """Kết quả thực hiện, kèm mã kết quả trên CSDL quốc gia."""

    class Meta:
        model = ProcedureResult
        fields = ["name", "code"]


class LegalBasisSerializer(ReadOnlyModelSerializer):
    """Căn cứ pháp lý."""

    class Meta:
        model = LegalBasis
        fields = ["number", "title", "issued_on", "issuer"]


class DecisionSerializer(ReadOnlyModelSerializer):
    """Quyết định công bố thủ tục hành chính của phiên bản đang áp dụng."""

    class Meta:
        model = AnnouncingDecision
        fields = ["number", "issuer", "signed_on", "effective_from"]


class ContactSerializer(ReadOnlyModelSerializer):
    """Liên hệ công khai của cơ quan để phản ánh, kiến nghị (không có dữ liệu cá nhân của người dân)."""

    agency_name = serializers.CharField(source="name", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "agency_name",
            "address",
            "spokesperson_name",
            "spokesperson_position",
            "spokesperson_phone",
            "spokesperson_email",
        ]


class HandlingUnitSerializer(ReadOnlyModelSerializer):
    """Cơ quan, đơn vị đang tiếp nhận, giải quyết thủ tục."""

    contact = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = ["slug", "name", "contact"]

    @extend_schema_field(ContactSerializer)
    def get_contact(self, agency: Agency) -> dict:
        return ContactSerializer(selectors.public_contact(agency)).data


class OnlineServiceSerializer(ReadOnlyModelSerializer):
    """Dịch vụ công trực tuyến của thủ tục tại một cơ quan."""

    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = OnlineService
        fields = ["agency", "agency_name", "mode", "url"]


class VersionSerializer(ReadOnlyModelSerializer):
    """Nội dung phiên bản đang áp dụng (theo quyết định công bố)."""

    subjects = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "valid_from",
            "kind",
            "subjects",
            "steps",
            "conditions",
            "competent_agencies",
            "performing_agencies",
            "authorised_agencies",
            "cooperating_agencies",
            "receiving_address",
            "description",
            "has_paper_result",
        ]


class ProcedureListSerializer(ReadOnlyModelSerializer):
    """Một thủ tục trong danh sách tìm kiếm."""

    field = FieldSerializer(read_only=True)
    online_available = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Trang công khai chính thức (đích của mã QR)."))
    channels = ChannelSummarySerializer(source="current_version.channels", many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "levels", "online_available", "url", "channels"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, procedure: Procedure) -> str:
        return qr.procedure_url(procedure.code)


class ProcedureDetailSerializer(ProcedureListSerializer):
    """Toàn bộ thông tin công khai của một thủ tục đang áp dụng."""

    version = VersionSerializer(source="current_version", read_only=True)
    channels = ChannelSerializer(source="current_version.channels", many=True, read_only=True)
    documents = DocumentSerializer(source="current_version.documents", many=True, read_only=True)
    results = ResultSerializer(source="current_version.results", many=True, read_only=True)
    legal_bases = LegalBasisSerializer(source="current_version.legal_bases", many=True, read_only=True)
    decision = DecisionSerializer(source="current_version.decision", read_only=True)
    handling_units = serializers.SerializerMethodField()
    online_services = OnlineServiceSerializer(source="active_online_services", many=True, read_only=True)
    qr_svg = serializers.SerializerMethodField()
    qr_png = serializers.SerializerMethodField()

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "version",
            "decision",
            "documents",
            "results",
            "legal_bases",
            "handling_units",
            "online_services",
            "qr_svg",
            "qr_png",
        ]

    @extend_schema_field(HandlingUnitSerializer(many=True))
    def get_handling_units(self, procedure: Procedure) -> list:
        agencies = list({a.agency_id: a.agency for a in procedure.active_assignments}.values())
        return HandlingUnitSerializer(agencies, many=True).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_qr_svg(self, procedure: Procedure) -> str:
        return qr.qr_image_url(procedure.code, "svg")

    @extend_schema_field(OpenApiTypes.URI)
    def get_qr_png(self, procedure: Procedure) -> str:
        return qr.qr_image_url(procedure.code, "png")
