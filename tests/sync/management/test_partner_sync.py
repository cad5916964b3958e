"""``python manage.py partner_sync``: the same pulls in the foreground, text or JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sync.models import SyncRun
from tests.sync.conftest import DATASET

pytestmark = pytest.mark.django_db(transaction=True)


def partner_sync(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("partner_sync", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_pulls_every_module_of_a_partner_and_prints_json(partner):
    out, _ = partner_sync("--partner", str(partner.pk), "--json")
    results = json.loads(out)
    assert [result["module"] for result in results] == ["locations", "sessions", "cdrs", "tariffs"]
    assert {result["status"] for result in results} == {"SUCCEEDED"}
    assert {result["module"]: result["created"] for result in results} == {
        "locations": DATASET.locations, "sessions": DATASET.sessions, "cdrs": DATASET.cdrs, "tariffs": DATASET.tariffs,
    }  # fmt: skip
    assert results[0]["date_from"] is None
    assert set(results[0]) >= {"run_id", "pages", "updated", "unchanged", "failed", "removed", "errors", "watermark"}
    assert SyncRun.objects.filter(trigger="command").count() == 4


def test_it_runs_one_module_of_all_partners_in_full(partner):
    partner_sync("--all", "--module", "locations")
    out, _ = partner_sync("--all", "--module", "locations", "--full", "--limit", "7", "--json")
    (result,) = json.loads(out)
    assert (result["module"], result["full"], result["pages"], result["unchanged"]) == ("locations", True, 5, 30)


def test_it_prints_a_line_per_run(partner):
    out, _ = partner_sync("--partner", str(partner.pk), "--module", "tariffs")
    assert (
        out.strip()
        == f"partner {partner.pk} tariffs: SUCCEEDED in 1 pages: 3 created, 0 updated, 0 unchanged, 0 failed, 0 removed"
    )


def test_it_reports_refused_objects(partner, sim):
    sim.faults.malformed_share = 0.3
    out, _ = partner_sync("--partner", str(partner.pk), "--module", "cdrs", "--json")
    (result,) = json.loads(out)
    assert result["status"] == "SUCCEEDED"
    assert result["failed"] == len(result["errors"]) > 0
    assert result["errors"][0]["error"].startswith("total_energy")


def test_it_exits_non_zero_when_a_pull_fails(partner, sim, settings):
    settings.OCPI_CLIENT_MAX_RETRIES = 0
    sim.faults.errors.configure(1.0)
    with pytest.raises(CommandError, match="1 of 1 pulls did not succeed"):
        partner_sync("--partner", str(partner.pk), "--module", "sessions")


def test_it_exits_non_zero_for_a_partner_it_cannot_pull(partner):
    with pytest.raises(CommandError, match="no partner 999"):
        partner_sync("--partner", "999")
    partner.status = partner.Status.SUSPENDED
    partner.save()
    with pytest.raises(CommandError, match="did not succeed"):
        partner_sync("--partner", str(partner.pk), "--module", "locations")


def test_it_asks_for_a_partner_or_all():
    with pytest.raises(CommandError, match="--partner --all"):
        partner_sync("--module", "locations")
