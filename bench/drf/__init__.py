"""A nested-DRF-serializer twin of the Session PUT endpoint, served only in benchmarks.

DESIGN.md §3 chose msgspec over DRF serializers for OCPI wire objects; this package keeps the
alternative alive so ``python -m bench receivers`` can show the ratio under the same load:
``settings.py`` adds ``PUT /bench/drf/sessions/<country_code>/<party_id>/<id>`` beside the real
URLs, whose view validates with ``serializers.SessionSerializer`` and then writes through the same
service as the real endpoint.
"""
