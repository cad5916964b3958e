"""Retail pricing: what we charge the driver for a CDR (issue 7 item 3). Plain Python, Decimal.

net   = base (the CPO's cost or ours, per BILLING_RETAIL_BASE) + the plan's markup: a percentage
        of the base, a fee per session, a price per kWh
vat   = net × the VAT rate of the customer's billing country
total = net + vat

Amounts are rounded half-up to the currency's minor unit: the base and the net each once, the
VAT on the rounded net, so base + markup = net and net + vat = total hold to the cent on every
invoice line. A credit (a negative base) stays negative; no per-session fee is added to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)

# ISO 4217 minor units that are not 2 (the default).
MINOR_UNITS = {
    "BHD": 3, "CLP": 0, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "OMR": 3, "TND": 3, "UGX": 0,
    "VND": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip

# Standard VAT rates in percent by ISO 3166-1 alpha-2 (as of 2025); BILLING_VAT_RATES overrides
# or adds rates, so a change in law is a setting, not a release.
VAT_RATES = {
    "AT": "20", "BE": "21", "BG": "20", "CH": "8.1", "CY": "19", "CZ": "21", "DE": "19", "DK": "25",
    "EE": "24", "ES": "21", "FI": "25.5", "FR": "20", "GB": "20", "GR": "24", "HR": "25", "HU": "27",
    "IE": "23", "IS": "24", "IT": "22", "LI": "8.1", "LT": "21", "LU": "17", "LV": "21", "MT": "18",
    "NL": "21", "NO": "25", "PL": "23", "PT": "23", "RO": "21", "SE": "25", "SI": "22", "SK": "23",
}  # fmt: skip


class RetailError(ValueError):
    """A CDR we cannot put a retail price on; the message says why."""


@dataclass(frozen=True)
class Plan:
    markup_percent: Decimal
    fee_per_session: Decimal
    price_per_kwh: Decimal
    currency: str


@dataclass(frozen=True)
class Retail:
    currency: str
    base: Decimal
    markup: Decimal  # net - base
    net: Decimal
    vat_rate: Decimal  # percent
    vat: Decimal
    total: Decimal


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency.upper(), 2))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def vat_rate(country: str, overrides: Mapping[str, Decimal] | None = None) -> Decimal:
    """The standard VAT rate (percent) of a billing country; RetailError when we know none."""
    code = country.upper()
    if overrides and code in overrides:
        return overrides[code]
    if code not in VAT_RATES:
        raise RetailError(f"no VAT rate for billing country {code!r} (set BILLING_VAT_RATES)")
    return Decimal(VAT_RATES[code])


def retail_price(*, base: Decimal, energy_kwh: Decimal, currency: str, plan: Plan, vat_percent: Decimal) -> Retail:
    """The driver's price of one session; amounts in different currencies are never added."""
    currency = currency.upper()
    if plan.currency.upper() != currency:
        raise RetailError(f"the pricing plan is in {plan.currency.upper()}, the CDR in {currency}")
    fee = plan.fee_per_session if base >= 0 else Decimal(0)
    net = round_money(base + base * plan.markup_percent / HUNDRED + fee + plan.price_per_kwh * energy_kwh, currency)
    rounded_base = round_money(base, currency)
    vat = round_money(net * vat_percent / HUNDRED, currency)
    return Retail(
        currency=currency,
        base=rounded_base,
        markup=net - rounded_base,
        net=net,
        vat_rate=vat_percent,
        vat=vat,
        total=net + vat,
    )
