"""ACM: a certificate imported years ago for the old partner API (1024-bit RSA, about
to expire), its re-imported 2048-bit replacement and the Amazon-issued web certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assetpack.emulator.estate import tag_list

ORDER = 25


def _self_signed(name: str, bits: int, days: int) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=365)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def build(estate) -> None:
    acm = estate.client("acm")
    # Key generation is the slow part: the certificates are the same for every copy.
    old_pem = _self_signed("partner-api.legacy.example.com", 1024, 10)
    new_pem = _self_signed("partner-api-v2.legacy.example.com", 2048, 365)
    for i in estate.copies():
        sfx = estate.suffix(i)
        old = acm.import_certificate(Certificate=old_pem[0], PrivateKey=old_pem[1], Tags=tag_list(
            {"Name": f"legacy-partner-api-cert{sfx}"}))["CertificateArn"]
        new = acm.import_certificate(Certificate=new_pem[0], PrivateKey=new_pem[1], Tags=tag_list(
            {"Name": f"legacy-partner-api-cert-v2{sfx}"}))["CertificateArn"]
        issued = acm.request_certificate(DomainName=f"app{sfx}.legacy.example.com", Tags=tag_list(
            {"Name": f"legacy-app-cert{sfx}"}))["CertificateArn"]
        estate.created += 3
        estate.expect("acm-imported-certificate-not-expiring", violating=[old],
                      compliant=[new, issued])
        estate.expect("acm-rsa-certificate-key-length", violating=[old], compliant=[new, issued])
