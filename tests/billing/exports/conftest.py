from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    """Export files go to a directory of the test's own."""
    settings.BILLING_EXPORT_ROOT = tmp_path / "exports"
    return settings.BILLING_EXPORT_ROOT
