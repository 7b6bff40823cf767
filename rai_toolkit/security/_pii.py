"""Recognise personal data in a column from its name and from its values.

Two independent signals are combined:

* **name** - the column name, normalised to lower-case ``snake_case`` tokens,
  matches a rule such as ``email``, ``phone_number`` or ``date_of_birth``;
* **values** - a sample of the column's string values matches a pattern
  (regular expressions, plus checksums where one exists: Luhn for payment card
  numbers, ISO 7064 mod-97 for IBANs).

Only string-like columns (object, string, category) are scanned for values;
integer columns are scanned for payment card numbers only; float and boolean
columns never are, so plain measurements are not flagged.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rai_toolkit.security._given_names import GIVEN_NAMES

__all__ = [
    "KINDS",
    "MIN_SHARE",
    "RECOMMENDATIONS",
    "ColumnFinding",
    "detect_column",
    "is_quasi_identifier_name",
    "luhn_valid",
    "normalise_column_name",
]

#: A column is flagged from its values when at least this share of the sampled
#: non-missing values matches a pattern.
MIN_SHARE = 0.3


def _tokens(*alternatives: str) -> re.Pattern[str]:
    """Compile a rule that matches whole ``_``-separated tokens of a normalised name."""
    return re.compile(r"(?:^|_)(?:" + "|".join(alternatives) + r")(?:_|$)")


# Order matters: the first rule that matches a column name wins, so that
# ``email_address`` is an email and not a postal address.
_NAME_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("email", _tokens(r"e_?mails?", r"e_?mail_address(?:es)?")),
    ("ip_address", _tokens(r"ip", r"ipv4", r"ipv6", r"ip_addr(?:ess)?", r"client_ip")),
    (
        "credit_card",
        _tokens(
            r"credit_?card(?:_number|_no)?",
            r"card_?(?:number|no|num)",
            r"cc_?(?:number|num)",
            r"ccn",
            r"pan",
            r"cvv",
            r"cvc",
        ),
    ),
    ("iban", _tokens(r"iban")),
    (
        "bank_account",
        _tokens(
            r"bank_?account(?:_number|_no)?",
            r"account_?(?:number|no)",
            r"routing_number",
            r"sort_code",
            r"bic",
            r"swift(?:_code)?",
        ),
    ),
    (
        "national_id",
        _tokens(
            r"ssn",
            r"social_security(?:_number|_no)?",
            r"national_?id(?:_number)?",
            r"national_insurance(?:_number)?",
            r"nino",
            r"nin",
            r"passport(?:_number|_no)?",
            r"tax_?id",
            r"tin",
            r"taxpayer_id",
            r"sin",
            r"aadhaa?r",
            r"id_card(?:_number)?",
            r"identity_(?:number|card)",
            r"personal_id",
            r"drivers?_licen[cs]e(?:_number)?",
            r"driving_licen[cs]e",
            r"licen[cs]e_number",
            r"bsn",
            r"cpf",
            r"curp",
            r"dni",
            r"nric",
            r"pesel",
            r"personnummer",
        ),
    ),
    (
        "phone",
        _tokens(
            r"phone(?:_?number)?s?",
            r"telephone",
            r"tel",
            r"cell_?phone",
            r"mobile_?phone",
            r"mobile_?(?:number|no)",
            r"fax",
            r"msisdn",
        ),
    ),
    (
        "date_of_birth",
        _tokens(
            r"dob",
            r"date_of_birth",
            r"birth_?date",
            r"birth_?day",
            r"year_of_birth",
            r"birth_?year",
            r"yob",
            r"born(?:_on)?",
        ),
    ),
    ("postal_code", _tokens(r"zip", r"zip_?code", r"post_?code", r"postal(?:_code)?", r"plz")),
    (
        "person_name",
        re.compile(
            r"(?:^|_)(?:first|last|full|given|family|middle|maiden|customer|client|patient|person"
            r"|employee|applicant|holder|contact|student|owner)_?names?(?:_|$)"
            r"|(?:^|_)(?:surname|forename)s?(?:_|$)|^names?$"
        ),
    ),
    ("username", _tokens(r"user_?name", r"login", r"screen_name", r"nick_?name", r"handle")),
    (
        "identifier",
        _tokens(
            r"id",
            r"uuid",
            r"guid",
            r"mrn",
            r"medical_record_(?:number|no)",
            r"mac(?:_address)?",
            r"imei",
            r"device_id",
            r"licen[cs]e_plate",
            r"vin",
        ),
    ),
    (
        "address",
        _tokens(
            r"address(?:_line)?(?:_\d)?",
            r"street(?:_address)?",
            r"addr",
            r"house_number",
            r"home_address",
        ),
    ),
    (
        "geolocation",
        _tokens(
            r"lat",
            r"latitude",
            r"lon",
            r"lng",
            r"longitude",
            r"gps",
            r"coordinates",
            r"geo_?location",
        ),
    ),
    (
        "free_text",
        _tokens(
            r"comments?",
            r"notes?",
            r"description",
            r"free_?text",
            r"remarks?",
            r"messages?",
            r"feedback",
            r"narrative",
            r"transcript",
        ),
    ),
    (
        "special_category",
        _tokens(
            r"race",
            r"ethnicity",
            r"ethnic(?:_group|_origin)?",
            r"religion",
            r"religious",
            r"faith",
            r"sexual_orientation",
            r"health(?:_status)?",
            r"diagnosis",
            r"disability",
            r"medical_condition",
            r"genetic",
            r"biometric",
            r"political_(?:opinion|party|affiliation)",
            r"trade_union(?:_member)?",
            r"union_member(?:ship)?",
            r"pregnan(?:t|cy)",
            r"hiv(?:_status)?",
            r"criminal_record",
            r"convictions?",
        ),
    ),
]

_QUASI_IDENTIFIER_RULE = _tokens(
    r"age",
    r"age_(?:years|group|band|bracket)",
    r"sex",
    r"gender",
    r"zip",
    r"zip_?code",
    r"post_?code",
    r"postal(?:_code)?",
    r"race",
    r"ethnicity",
    r"ethnic(?:_group|_origin)?",
    r"dob",
    r"date_of_birth",
    r"birth_?date",
    r"year_of_birth",
    r"birth_?year",
    r"marital(?:_status)?",
    r"civil_status",
    r"native_country",
    r"nationality",
    r"country_of_birth",
    r"birth_?country",
    r"citizenship",
    r"place_of_birth",
    r"birth_?place",
)

#: What to do about each kind of finding.
RECOMMENDATIONS: dict[str, str] = {
    "email": "Drop it, or replace it with a keyed hash (pseudonym) if records must be linked.",
    "phone": "Drop it, or replace it with a keyed hash (pseudonym) if records must be linked.",
    "national_id": "Drop it; a national ID identifies a person directly. Use a keyed hash only "
    "if records must be linked.",
    "credit_card": "Drop it; payment card numbers must not be kept in training data (PCI DSS).",
    "iban": "Drop it; bank account numbers identify a person and enable fraud.",
    "bank_account": "Drop it; bank account numbers identify a person and enable fraud.",
    "ip_address": "Drop it, or truncate it (e.g. keep the /16 network) if location matters.",
    "person_name": "Drop it; names identify people and can proxy for sex and ethnicity.",
    "username": "Drop it, or replace it with a keyed hash (pseudonym) if records must be linked.",
    "identifier": "Drop it from model inputs; keep a keyed hash outside the training data if "
    "records must be linked.",
    "postal_code": "Generalise it (e.g. keep the first 2-3 characters) or drop it; full postal "
    "codes are strong quasi-identifiers and can proxy for ethnicity.",
    "date_of_birth": "Generalise it to year of birth or an age band.",
    "date": "If it describes a person, generalise it to month or year.",
    "address": "Drop it, or generalise it to a region.",
    "geolocation": "Round coordinates (2 decimals is about 1 km) or drop them.",
    "free_text": "Review and redact it, or drop it; free text often contains names and contact "
    "details.",
    "special_category": "Special-category data (e.g. GDPR art. 9): keep it only for fairness "
    "testing, stored apart with restricted access, and out of model inputs unless justified.",
}

#: Every kind a finding can have.
KINDS: tuple[str, ...] = tuple(RECOMMENDATIONS)

# Kinds that have a value pattern; the others are recognised from names only.
_VALUE_KINDS = frozenset(
    {
        "email",
        "iban",
        "credit_card",
        "national_id",
        "ip_address",
        "identifier",
        "date",
        "date_of_birth",
        "postal_code",
        "phone",
        "person_name",
        "free_text",
    }
)

# ------------------------------------------------------------------ value patterns
_EMAIL = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_CARD = r"\d(?:[ -]?\d){12,18}"
_IBAN = r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}"
_SSN = r"(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}"
_NINO = r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]"
_IPV4 = r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV6_CHARS = r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*"
_UUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_MAC = r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}"
_DATE = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4}"
)
_POSTAL = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{5}-\d{4}|[A-Z]\d[A-Z] ?\d[A-Z]\d"
_PHONE_CHARS = r"\+?[\d ().-]{7,24}"
_NAME_SHAPE = r"[A-Z][a-z'\u2019-]+(?: [A-Z][a-z'\u2019-]+){0,3}"


def luhn_valid(digits: str) -> bool:
    """Return True if a string of digits (only ``0-9``) passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    as_number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(as_number) % 97 == 1


def _ipv6_valid(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv6Address)
    except ValueError:
        return False


def _is_phone(value: str) -> bool:
    n_digits = sum(ch.isdigit() for ch in value)
    if not 7 <= n_digits <= 15:
        return False
    grouped = len(re.findall(r"[ -]+", value.strip()))
    return value.startswith("+") or "(" in value or grouped >= 1 or value.count(".") >= 2


def normalise_column_name(name: Hashable) -> str:
    """Turn a column name into lower-case ``snake_case`` tokens.

    ``"EmailAddress"``, ``"e-mail"``, ``"Date of Birth"`` give ``"email_address"``,
    ``"e_mail"``, ``"date_of_birth"``.
    """
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _kind_from_name(name: Hashable) -> str | None:
    normalised = normalise_column_name(name)
    for kind, rule in _NAME_RULES:
        if rule.search(normalised):
            return kind
    return None


def is_quasi_identifier_name(name: Hashable) -> bool:
    """Return True if a column name suggests a default quasi-identifier.

    That is age, sex/gender, postal code, race/ethnicity, date or year of
    birth, marital status, or native country/nationality.
    """
    return bool(_QUASI_IDENTIFIER_RULE.search(normalise_column_name(name)))


@dataclass(frozen=True)
class ColumnFinding:
    """One kind of personal data found in one column."""

    column: Hashable
    kind: str
    share: float
    evidence: str


def _value_kinds(values: pd.Series) -> dict[str, float]:
    """Share of sampled string values matching each value pattern (first match wins)."""
    n = len(values)
    if n == 0:
        return {}
    text = values.str.strip()
    unassigned = np.ones(n, dtype=bool)
    shares: dict[str, float] = {}

    def claim(kind: str, mask: np.ndarray) -> None:
        nonlocal unassigned
        mask = mask & unassigned
        if mask.any():
            shares[kind] = shares.get(kind, 0.0) + mask.sum() / n
            unassigned &= ~mask

    def full(pattern: str, *, flags: int = 0) -> np.ndarray:
        matched = text.str.fullmatch(pattern, flags=flags).fillna(False)
        return matched.to_numpy(dtype=bool, copy=True)  # writable under copy-on-write

    claim("email", full(_EMAIL))
    iban = full(_IBAN)
    if iban.any():
        iban[iban] = [_iban_valid(v) for v in text[iban]]
    claim("iban", iban)
    card = full(_CARD)
    if card.any():
        card[card] = [luhn_valid(re.sub(r"\D", "", v)) for v in text[card]]
    claim("credit_card", card)
    claim("national_id", full(_SSN) | full(_NINO, flags=re.IGNORECASE))
    ipv6 = full(_IPV6_CHARS)
    if ipv6.any():
        ipv6[ipv6] = [_ipv6_valid(v) for v in text[ipv6]]
    claim("ip_address", full(_IPV4) | ipv6)
    claim("identifier", full(_UUID) | full(_MAC))
    claim("date", full(_DATE))
    claim("postal_code", full(_POSTAL))
    phone = full(_PHONE_CHARS)
    if phone.any():
        phone[phone] = [_is_phone(v) for v in text[phone]]
    claim("phone", phone)

    # Person names: "Firstname Lastname" capitalisation, with a recognised given
    # name at least a quarter of the time (so "New York" alone does not count).
    shaped = full(_NAME_SHAPE) & unassigned
    if shaped.any():
        first = text[shaped].str.split(" ", n=1).str[0].str.lower()
        known = first.isin(GIVEN_NAMES).to_numpy()
        if known.mean() >= 0.25:
            claim("person_name", shaped)

    # Free text: several words (runs of letters) per value.
    words = text.str.count(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])").to_numpy()
    claim("free_text", (words >= 4) & (text.str.len().to_numpy() >= 25))
    return shares


def _sample_strings(column: pd.Series, *, sample_size: int, random_state: int) -> pd.Series:
    values = column.dropna()
    if len(values) > sample_size:
        values = values.sample(sample_size, random_state=random_state)
    return values.astype(str).reset_index(drop=True)


def detect_column(
    name: Hashable, column: pd.Series, *, sample_size: int, random_state: int
) -> tuple[list[ColumnFinding], int]:
    """Find the kinds of personal data held by one column.

    Parameters
    ----------
    name : hashable
        Column name.
    column : pandas.Series
        Column values.
    sample_size : int
        At most this many non-missing values are scanned.
    random_state : int
        Seed of the sample.

    Returns
    -------
    findings : list of ColumnFinding
        One per kind found; ``share`` is NaN when the values were not scanned.
    n_scanned : int
        Number of values scanned (0 for numeric columns).
    """
    name_kind = _kind_from_name(name)
    dtype = column.dtype
    shares: dict[str, float] = {}
    n_scanned = 0
    scanned_kinds: frozenset[str] = frozenset()
    if pd.api.types.is_bool_dtype(dtype):
        pass
    elif pd.api.types.is_integer_dtype(dtype):
        values = _sample_strings(column, sample_size=sample_size, random_state=random_state)
        n_scanned = len(values)
        card = values.str.fullmatch(r"\d{13,19}").to_numpy(dtype=bool, copy=True)
        if card.any():
            card[card] = [luhn_valid(v) for v in values[card]]
            shares = {"credit_card": float(card.mean())}
        scanned_kinds = frozenset({"credit_card"})
    elif (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ):
        values = _sample_strings(column, sample_size=sample_size, random_state=random_state)
        n_scanned = len(values)
        shares = _value_kinds(values)
        scanned_kinds = _VALUE_KINDS if n_scanned else frozenset()

    if name_kind == "date_of_birth" and "date" in shares:
        shares["date_of_birth"] = shares.pop("date")
    findings = []
    for kind, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        if share >= MIN_SHARE:
            evidence = "both" if kind == name_kind else "values"
            findings.append(ColumnFinding(name, kind, float(share), evidence))
    if name_kind is not None and not any(f.kind == name_kind for f in findings):
        share = shares.get(name_kind, 0.0) if name_kind in scanned_kinds else float("nan")
        findings.append(ColumnFinding(name, name_kind, float(share), "name"))
    return findings, n_scanned
