"""Billing exports for finance (issue 7 items 4–5): customer invoice lines, partner settlements,
printable invoices.

Period rule: a CDR belongs to the month (UTC) in which its session stopped (``stop_date_time``),
and is billed once it has been priced (``CdrPricing`` for partners; a driver's price,
``CdrRetail`` with a total, for customers). The first export of a month for a kind closes that
month: every priced, not yet billed CDR that stopped before the month's end is written to the
ledger (``BilledCdr``) with its amounts, once per kind. Later exports of the month read the
ledger only, so they give the same rows. A CDR that arrives (or is priced) after its month was
closed is billed in the next month closed, and its rows show its own stop time.

Money is Decimal, rounded half-up to the currency's minor unit when written; amounts in
different currencies are never added (lines and totals are per currency). Credit CDRs
(negative amounts) keep their sign and are summed in as credits.
"""
