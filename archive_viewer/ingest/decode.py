"""Bytes to text: encoding detection and line-ending normalisation."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .model import NotAMeetingDocument

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (images, archives, PDFs)."""
    if data.startswith(b"%PDF-"):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    if sample.count(b"\x00") > len(sample) // 100 + 1:
        return True
    # Control bytes other than tab, newline, carriage return and form feed are rare in any text.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 20 + 1


def decode_bytes(data: bytes) -> str:
    """Decode a document's bytes, whatever common encoding it uses.

    Order: byte-order mark, strict UTF-8, an HTML <meta charset>, then charset-normalizer's guess.
    """
    if looks_binary(data):
        if data.startswith(b"%PDF-"):
            raise NotAMeetingDocument("is a PDF, not a text or HTML document")
        raise NotAMeetingDocument("is a binary file, not a text or HTML document")
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_guess(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return _CONTROL.sub("", text)


def _decode_guess(data: bytes) -> str:
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        # UnicodeError, not just UnicodeDecodeError: some codecs a page may name fail with the
        # base class (<meta charset="undefined">, "idna").
        except (LookupError, UnicodeError):
            pass
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise NotAMeetingDocument("is not text in any encoding this app reads")
    return data.decode(best.encoding, errors="replace")
