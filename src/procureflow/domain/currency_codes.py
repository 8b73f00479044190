"""The active ISO 4217 currency codes, so an invoice in an unknown currency is refused."""

from __future__ import annotations

from procureflow.errors import InvalidInput

ISO_4217_ACTIVE = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR
    ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
    MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK
    PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP
    SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV
    WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG
    """.split()
)


def require_iso_currency(code: str, *, field: str = "currency") -> str:
    """The code upper-cased when it is an active ISO 4217 currency; InvalidInput naming it otherwise."""
    normalised = (code or "").strip().upper()
    if normalised not in ISO_4217_ACTIVE:
        raise InvalidInput(f"{field} {code!r} is not an ISO 4217 currency code")
    return normalised


__all__ = ["ISO_4217_ACTIVE", "require_iso_currency"]
