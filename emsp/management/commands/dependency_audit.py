"""``python manage.py dependency_audit [--json]``: pip-audit of our pinned requirements against
PyPI's advisory data (``make test`` runs it).

Fails on any known vulnerability. When PyPI cannot be reached, or answers for none of our
pinned versions (a mirror without its JSON API), the audit is skipped with the reason printed:
a check that could not run must say so, never pass silently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

TIMEOUT_SECONDS = 300


class Command(BaseCommand):
    help = "Audit the pinned requirements with pip-audit (PyPI advisory data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requirements", default=str(Path(settings.BASE_DIR) / "requirements.txt"))
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = _audit(options["requirements"])
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(report["summary"])
            for finding in report["vulnerable"]:
                self.stdout.write(f"  {finding}")
        if report["vulnerable"]:
            raise CommandError(f"{len(report['vulnerable'])} known vulnerabilities in pinned requirements")


def _audit(requirements: str) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", requirements, "--no-deps", "--disable-pip",
        "--vulnerability-service", "pypi", "--progress-spinner", "off", "--format", "json",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)  # noqa: S603
        dependencies = json.loads(done.stdout)["dependencies"]
    except (subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as exc:
        reason = f"PyPI could not be reached ({type(exc).__name__}: {str(exc)[:200]})"
        return {"status": "skipped", "summary": f"dependency audit skipped: {reason}", "vulnerable": []}
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    vulnerable = [
        f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {_fixes(vuln)})"
        for dependency in audited
        for vuln in dependency.get("vulns", [])
    ]
    if not audited:
        summary = (
            f"dependency audit skipped: PyPI answered for none of our {len(dependencies)} pinned packages "
            "(its per-version advisory data cannot be reached from here)"
        )
        return {"status": "skipped", "summary": summary, "vulnerable": []}
    unaudited = len(dependencies) - len(audited)
    summary = f"dependency audit: {len(audited)} packages audited, {len(vulnerable)} known vulnerabilities" + (
        f"; {unaudited} not found on PyPI, not audited" if unaudited else ""
    )
    return {"status": "failed" if vulnerable else "passed", "summary": summary, "vulnerable": vulnerable}


def _fixes(vuln: dict[str, Any]) -> str:
    return ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
