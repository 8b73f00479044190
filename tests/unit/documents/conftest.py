"""Keys and a signed contract shared by the document tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from procureflow.documents.keys import Keystore
from procureflow.documents.profiles import DEFAULT_PROFILES, SignatureProfile, profiles_for
from procureflow.documents.signing import sign_pdf
from tests.factories_documents import text_pdf


@pytest.fixture(scope="session")
def keystore(tmp_path_factory: pytest.TempPathFactory) -> Keystore:
    store = Keystore(Path(tmp_path_factory.mktemp("keys")), "test passphrase")
    store.init_ca("Test Buyer")
    for profile in DEFAULT_PROFILES:
        store.issue_signer(
            profile.key_alias,
            common_name=profile.signer_name,
            organisation=profile.organisation,
            title=profile.signer_title,
        )
    return store


@pytest.fixture(scope="session")
def contract_signers() -> list[SignatureProfile]:
    return profiles_for("contract", list(DEFAULT_PROFILES))


@pytest.fixture(scope="session")
def signed_contract(keystore: Keystore, contract_signers: list[SignatureProfile]) -> bytes:
    data = text_pdf(2, "Contract page")
    for profile in contract_signers:
        data = sign_pdf(data, profile, keystore.signer(profile.key_alias))
    return data
