"""With a language model configured the playbook plans from the model's checked reading
(pydantic-ai's test model stands in for the vendor); without one, the rules' reading."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pydantic_ai.models.test import TestModel

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.llm import PydanticAiMailExtractor
from procureflow.adapters.storage import LocalContentStore
from procureflow.runtime.disruption_intake import start_from_mail
from procureflow.runtime.mail_intake import read_supplier_mail
from procureflow.runtime.services import Services
from tests.e2e.disruption_helpers import pending_approval, prepare, task_output, wait_for

ANSWER: dict[str, Any] = {
    "classification": "delay_notice",
    "skus": ["MTR-7K5-400"],
    "po_numbers": ["PO-2026-0412"],
    "delay_days": 21,
    "reason": "rotor line down after a fire",
    "force_majeure": True,
    "evidence": ["the motors MTR-7K5-400 of order PO-2026-0412 will reach you later than planned."],
}


def _mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Li Wei <li.wei@huaxin-motors.example>"
    message["To"] = "einkauf@nordhafen-pumpen.example"
    message["Subject"] = "Shipment information"
    message["Date"] = "Mon, 23 Nov 2026 09:00:00 +0000"
    message["Message-ID"] = "<llm-e2e@huaxin-motors.example>"
    message.set_content(
        "Dear customer,\n\nthe motors MTR-7K5-400 of order PO-2026-0412 will reach you later "
        "than planned.\nOur rotor line is down after a fire; this is a case of force majeure.\n"
    )
    return message.as_bytes()


def _read(svc: Services, llm: Any) -> tuple[Any, Any]:
    store = LocalContentStore(Path(svc.settings.data_dir) / "documents")
    return read_supplier_mail(
        _mail(),
        source="vague.eml",
        master=MasterDataRepository(svc.engine),
        quarantine=store,
        llm=llm,
    )


def test_the_models_checked_reading_drives_the_recovery(runtime: Services) -> None:
    prepare(runtime)
    without = _read(runtime, None)[1]
    assert without.extraction == "rules" and not without.impacts  # no delay the rules can read

    mail, reading = _read(runtime, PydanticAiMailExtractor(TestModel(custom_output_args=ANSWER)))
    assert reading.extraction == "llm" and reading.delay.days == 21
    started = start_from_mail(runtime, mail, reading, file="vague.eml", actor="test")
    instance_id = started["started"][0]
    approval = pending_approval(runtime, instance_id)
    assert approval["action"]["kind"] == "recovery_plan"
    assessment = task_output(runtime, instance_id, "assess")["assessment"]
    assert assessment["extraction"] == "llm" and assessment["delay_days"] == 21
    assert assessment["force_majeure"] is True
    compliance = task_output(runtime, instance_id, "analyse")["compliance"]
    assert compliance["damages"]["amount"]["amount"] in ("0", "0.00")  # none under force majeure
    assert wait_for(runtime, instance_id, "waiting")["status"] == "waiting"


def test_with_a_model_the_request_for_quote_is_written_by_it(runtime: Services) -> None:
    from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel

    from procureflow.adapters.db.supplier_outbox import kept_messages
    from procureflow.adapters.llm import PydanticAiMessageWriter
    from tests.e2e.disruption_helpers import approve, demo_mail, ingest, rfq_round

    def polite(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        draft = str(messages[-1].parts[-1].content).split("Draft:\n", 1)[1]  # type: ignore[union-attr]
        return ModelResponse(parts=[TextPart("Dear supplier,\n\n" + draft + "\nKind regards")])

    runtime.extras["message_writer"] = PydanticAiMessageWriter(FunctionModel(polite))
    prepare(runtime)
    instance_id = ingest(runtime, demo_mail())["started"][0]
    approve(runtime, pending_approval(runtime, instance_id))
    round_ = rfq_round(runtime, instance_id)
    assert {r["written_by"] for r in round_["requests"]} == {"llm"}
    bodies = [
        m["body"] for _, m in kept_messages(runtime.engine, prefix="") if m.get("purpose") == "rfq"
    ]
    assert bodies and all(b.startswith("Dear supplier") for b in bodies)
    assert all(r["confirm_url"] in " ".join(bodies) for r in round_["requests"])
