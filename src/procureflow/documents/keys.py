"""The organisation's signing keys: a CA and one signer certificate per signature profile
(EC P-256 by default), each kept as a passphrase-encrypted PKCS#12 file.

``<alias>.p12`` holds key + certificate (+ chain), ``<alias>.crt`` the public certificate
so that listing needs no passphrase. Signer objects are cached per file version, because
decrypting a PKCS#12 costs far more than a signature.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, InvalidInput, NotFound

CA_ALIAS = "org-ca"
_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What ``keys list`` shows about one stored identity."""

    alias: str
    kind: str
    subject: str
    issuer: str
    fingerprint_sha256: str
    key_type: str
    not_before: datetime
    not_after: datetime

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "alias": self.alias,
            "kind": self.kind,
            "subject": self.subject,
            "issuer": self.issuer,
            "fingerprint_sha256": self.fingerprint_sha256,
            "key_type": self.key_type,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


def _check_alias(alias: str) -> str:
    if not _ALIAS.match(alias):
        raise InvalidInput(
            f"bad key alias {alias!r}: use lower-case letters, digits, '-', '_' or '.'",
            subject="alias",
        )
    return alias


def _name(common_name: str, organisation: str, title: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    return x509.Name(parts)


def _key_type(key: Any) -> str:
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    return type(key).__name__


def _info(alias: str, kind: str, cert: x509.Certificate) -> KeyInfo:
    return KeyInfo(
        alias=alias,
        kind=kind,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        key_type=_key_type(cert.public_key()),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


class Keystore:
    """PKCS#12 files in one directory, all encrypted with the keystore passphrase."""

    def __init__(self, directory: Path, passphrase: str) -> None:
        if not passphrase:
            raise InvalidInput("the keystore passphrase is empty", subject="keystore")
        self.directory = Path(directory)
        self._passphrase = passphrase.encode("utf-8")
        self._signers: dict[tuple[str, int], signers.SimpleSigner] = {}
        self._lock = threading.Lock()

    # -- files -------------------------------------------------------------------------
    def _p12(self, alias: str) -> Path:
        return self.directory / f"{_check_alias(alias)}.p12"

    def _write(
        self,
        alias: str,
        key: SigningKey,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
        kind: str,
    ) -> KeyInfo:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        blob = pkcs12.serialize_key_and_certificates(
            alias.encode(),
            key,
            cert,
            chain or None,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        target = self._p12(alias)
        tmp = target.with_suffix(".p12.tmp")
        tmp.write_bytes(blob)
        tmp.chmod(0o600)
        os.replace(tmp, target)
        (self.directory / f"{alias}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (self.directory / f"{alias}.kind").write_text(kind, encoding="utf-8")
        return _info(alias, kind, cert)

    def _load(self, alias: str) -> tuple[SigningKey, x509.Certificate, list[x509.Certificate]]:
        path = self._p12(alias)
        if not path.is_file():
            raise NotFound(
                f"no key {alias!r} in the keystore; run `procureflow keys init` or import one",
                subject="key",
            )
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), self._passphrase)
        except ValueError as exc:
            raise InvalidInput(
                "cannot open the keystore: wrong passphrase or damaged file", subject=str(alias)
            ) from exc
        if cert is None or not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise InvalidInput("keystore entry has no usable key and certificate", subject=alias)
        return key, cert, list(chain)

    # -- public ------------------------------------------------------------------------
    def has(self, alias: str) -> bool:
        """True when a key with this alias is stored."""
        return self._p12(alias).is_file()

    def certificate(self, alias: str) -> x509.Certificate:
        """The public certificate of ``alias`` (no passphrase needed)."""
        path = self.directory / f"{_check_alias(alias)}.crt"
        if not path.is_file():
            raise NotFound(f"no key {alias!r} in the keystore", subject="key")
        return x509.load_pem_x509_certificate(path.read_bytes())

    def list_kind(self, alias: str) -> str:
        """``ca``, ``signer`` (issued here) or ``imported``."""
        kind_file = self.directory / f"{_check_alias(alias)}.kind"
        return kind_file.read_text(encoding="utf-8") if kind_file.is_file() else "signer"

    def trust_roots(self) -> list[x509.Certificate]:
        """Certificates signatures are checked against: the organisation CA and the
        partners' CAs added with :meth:`add_trust_anchor`."""
        roots = [self.certificate(CA_ALIAS)] if self.has(CA_ALIAS) else []
        for crt in sorted(self.directory.glob("*.crt")) if self.directory.is_dir() else []:
            if self.list_kind(crt.stem) == "trusted":
                roots.append(x509.load_pem_x509_certificate(crt.read_bytes()))
        return roots

    def add_trust_anchor(self, alias: str, data: bytes) -> KeyInfo:
        """Trust a partner's CA certificate (PEM or DER) for verifying their signatures."""
        _check_alias(alias)
        if (self.directory / f"{alias}.crt").is_file():
            raise Conflict(f"a key or certificate named {alias!r} exists already", subject="key")
        try:
            cert = (
                x509.load_pem_x509_certificate(data)
                if data.lstrip().startswith(b"-----BEGIN")
                else x509.load_der_x509_certificate(data)
            )
        except ValueError as exc:
            raise InvalidInput("not an X.509 certificate (PEM or DER)", subject=alias) from exc
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        if not is_ca:
            raise InvalidInput(
                "only CA certificates can be trusted (basicConstraints CA:TRUE)", subject=alias
            )
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.directory / f"{alias}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (self.directory / f"{alias}.kind").write_text("trusted", encoding="utf-8")
        return _info(alias, "trusted", cert)

    def change_passphrase(self, old_passphrase: str) -> list[str]:
        """Re-encrypt every key file written under ``old_passphrase`` with this keystore's
        passphrase; the aliases re-encrypted. Files that already open with the current
        passphrase are left alone (a second run changes nothing), and when one file opens
        with neither, nothing is written."""
        old = Keystore(self.directory, old_passphrase)
        pending = []
        files = sorted(self.directory.glob("*.p12")) if self.directory.is_dir() else []
        for path in files:
            alias = path.stem
            try:
                self._load(alias)
                continue
            except InvalidInput:
                pass
            key, cert, chain = old._load(alias)
            pending.append((alias, key, cert, chain, self.list_kind(alias)))
        for alias, key, cert, chain, kind in pending:
            self._write(alias, key, cert, chain, kind)
        with self._lock:
            self._signers.clear()
        return [alias for alias, *_ in pending]

    def list(self) -> list[KeyInfo]:
        """Every stored identity, CA first."""
        infos = []
        for crt in sorted(self.directory.glob("*.crt")) if self.directory.is_dir() else []:
            alias = crt.stem
            kind_file = crt.with_suffix(".kind")
            kind = kind_file.read_text(encoding="utf-8") if kind_file.is_file() else "signer"
            infos.append(_info(alias, kind, x509.load_pem_x509_certificate(crt.read_bytes())))
        return sorted(infos, key=lambda info: (info.kind != "ca", info.alias))

    def init_ca(self, organisation: str, *, years: int = 10) -> KeyInfo:
        """Create the organisation CA (EC P-256) unless it exists."""
        if self.has(CA_ALIAS):
            return _info(CA_ALIAS, "ca", self.certificate(CA_ALIAS))
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name(f"{organisation} Signing CA", organisation)
        now = utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return self._write(CA_ALIAS, key, cert, [], "ca")

    def issue_signer(
        self,
        alias: str,
        *,
        common_name: str,
        organisation: str,
        title: str | None = None,
        years: int = 3,
        replace: bool = False,
    ) -> KeyInfo:
        """Issue an EC P-256 signing certificate from the organisation CA for ``alias``."""
        if self.has(alias) and not replace:
            return _info(alias, "signer", self.certificate(alias))
        ca_key, ca_cert, _ = self._load(CA_ALIAS)
        key = ec.generate_private_key(ec.SECP256R1())
        now = utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation, title))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
            .sign(ca_key, hashes.SHA256())
        )
        self._signers.pop((alias, 0), None)
        return self._write(alias, key, cert, [ca_cert], "signer")

    def import_pkcs12(
        self, alias: str, data: bytes, passphrase: str | None, *, as_ca: bool = False
    ) -> KeyInfo:
        """Import an existing PKCS#12 (key + certificate) under ``alias``, re-encrypted
        with the keystore passphrase; ``as_ca`` makes it the organisation CA."""
        target_alias = CA_ALIAS if as_ca else _check_alias(alias)
        if self.has(target_alias):
            raise Conflict(f"a key named {target_alias!r} exists already", subject="key")
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(
                data, passphrase.encode("utf-8") if passphrase else None
            )
        except ValueError as exc:
            raise InvalidInput(
                "not a PKCS#12 file, or the passphrase is wrong", subject="import"
            ) from exc
        if cert is None or not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise InvalidInput(
                "the PKCS#12 file must hold an EC or RSA private key and its certificate",
                subject="import",
            )
        return self._write(target_alias, key, cert, list(chain), "ca" if as_ca else "imported")

    def check_valid(self, alias: str) -> None:
        """Conflict when the certificate of ``alias`` is expired or not yet valid: nobody
        should sign a contract with a certificate a verifier will reject."""
        cert = self.certificate(alias)
        now = utcnow()
        if now > cert.not_valid_after_utc:
            raise Conflict(
                f"the certificate of {alias!r} expired on {cert.not_valid_after_utc:%Y-%m-%d}; "
                "run `procureflow keys init` to issue a new one",
                subject="key",
            )
        if now < cert.not_valid_before_utc:
            raise Conflict(
                f"the certificate of {alias!r} is valid only from "
                f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC",
                subject="key",
            )

    def needs_renewal(self, alias: str, *, within_days: int = 30) -> bool:
        """True when the certificate of ``alias`` expires within ``within_days``."""
        cert = self.certificate(alias)
        return cert.not_valid_after_utc - utcnow() < timedelta(days=within_days)

    def signer(self, alias: str) -> signers.SimpleSigner:
        """A ready pyHanko signer for ``alias`` (valid today), cached until its file changes."""
        self.check_valid(alias)
        path = self._p12(alias)
        version = path.stat().st_mtime_ns if path.is_file() else 0
        with self._lock:
            cached = self._signers.get((alias, version))
            if cached is not None:
                return cached
            key, cert, chain = self._load(alias)
            der_key = key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            signer = signers.SimpleSigner(
                signing_cert=asn1_x509.Certificate.load(
                    cert.public_bytes(serialization.Encoding.DER)
                ),
                signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
                cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                    [
                        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                        for c in chain
                    ]
                ),
            )
            self._signers[(alias, version)] = signer
            return signer


__all__ = ["CA_ALIAS", "KeyInfo", "Keystore"]
