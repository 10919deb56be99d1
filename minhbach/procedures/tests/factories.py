"""Procedure factories: build ``ProcedureData`` and write it through the real service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from minhbach.procedures import services
from minhbach.procedures.models import Channel, ProcedureVersion, TimeUnit
from minhbach.procedures.services import (
    ChannelData,
    DocumentData,
    FeeData,
    LegalBasisData,
    ProcedureData,
    ResultData,
)


def procedure_data(
    code: str = "1.001193",
    name: str = "Thủ tục đăng ký khai sinh",
    field: str = "Hộ tịch",
    decision: str = "1872/QĐ-BTP",
    *,
    days: int | None = 3,
    unit: str = TimeUnit.WORKING_DAY,
    fee_vnd: int | None = 0,
    levels: tuple[str, ...] = ("commune",),
    valid_from: dt.date | None = dt.date(2020, 7, 1),
    **overrides,
) -> ProcedureData:
    channel_unit = unit if days is not None else TimeUnit.UNSPECIFIED
    value = Decimal(days) if days is not None else None
    fees = [FeeData(name="Lệ phí", amount_vnd=fee_vnd, basis_text="Miễn lệ phí" if fee_vnd == 0 else "")]
    text = f"{days} ngày làm việc" if days else "Không quy định"
    data = ProcedureData(
        code=code,
        name=name,
        field=field,
        decision=decision,
        levels=list(levels),
        kind="TTHC được luật giao quy định chi tiết",
        subjects=["Công dân Việt Nam"],
        performing_agencies="Ủy ban nhân dân xã, phường, thị trấn",
        steps="Bước 1: Nộp hồ sơ. Bước 2: Nhận kết quả.",
        valid_from=valid_from,
        online_mode=ProcedureVersion.OnlineMode.FULL,
        full_online_eligible=True,
        channels=[
            ChannelData(
                channel=Channel.IN_PERSON,
                time_limit_value=value,
                time_limit_unit=channel_unit,
                time_limit_text=text,
                fees=fees,
            ),
            ChannelData(
                channel=Channel.ONLINE,
                time_limit_value=value,
                time_limit_unit=channel_unit,
                time_limit_text=text,
                fees=list(fees),
            ),
        ],
        documents=[
            DocumentData(name="Tờ khai đăng ký khai sinh", form_template="Mẫu tờ khai", originals=1),
            DocumentData(name="Giấy chứng sinh", originals=1),
        ],
        results=[ResultData(name="Giấy khai sinh", code="KQ.G15.000001")],
        legal_bases=[
            LegalBasisData(number="60/2014/QH13", title="Luật Hộ tịch", issued_on=dt.date(2014, 11, 20))
        ],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def make_procedure(*args, **kwargs) -> ProcedureVersion:
    version, _outcome = services.procedure_upsert(actor=None, data=procedure_data(*args, **kwargs))
    return version
