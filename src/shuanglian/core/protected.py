"""Personal data at rest: AES-GCM encryption and a keyed blind index for exact lookup.

Two keys are derived from SHUANGLIAN_FIELD_KEY with HKDF, one to encrypt and one for the blind
index, so that the index (HMAC) reveals nothing even to someone holding ciphertexts.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12


@dataclass(frozen=True)
class Sealed:
    cipher: bytes
    index: str
    masked: str


@cache
def _keys(field_key: str) -> tuple[bytes, bytes]:
    master = base64.urlsafe_b64decode(field_key.encode())
    if len(master) != 32:
        raise ValueError("SHUANGLIAN_FIELD_KEY must be 32 bytes encoded in urlsafe base64")

    def derive(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)

    return derive(b"shuanglian encrypt v1"), derive(b"shuanglian blind index v1")


def encrypt(plaintext: str) -> bytes:
    key, _ = _keys(settings.FIELD_KEY)
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), VERSION)


def decrypt(blob: bytes) -> str:
    key, _ = _keys(settings.FIELD_KEY)
    blob = bytes(blob)
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    return AESGCM(key).decrypt(nonce, body, blob[:1]).decode()


def blind_index(kind: str, normalised: str) -> str:
    """HMAC of the normalised value; `kind` keeps an ID and a phone with equal digits apart."""
    _, key = _keys(settings.FIELD_KEY)
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()[:40]


def seal(kind: str, normalised: str, masked: str) -> Sealed:
    return Sealed(cipher=encrypt(normalised), index=blind_index(kind, normalised), masked=masked)
