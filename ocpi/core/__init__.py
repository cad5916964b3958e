"""The OCPI protocol core: envelope, status codes, errors, DateTime/CiString, pagination,
authentication glue, module registry, versions endpoints, outbound client and traffic journal.

Modules build on these pieces; none of them builds an envelope, parses an Authorization header
or writes pagination headers by hand.
"""
