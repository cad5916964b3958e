"""Create the first staff administrator once, and say how to log in."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create a superuser with a generated password if no superuser exists yet; print the login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        users = get_user_model()
        password_file = settings.VAR_DIR / "admin-password.txt"
        if users.objects.filter(is_superuser=True).exists():
            where = f" (first password saved in {password_file})" if password_file.exists() else ""
            self.stdout.write(f"Admin user exists{where}.")
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        password_file.write_text(f"{username}\n{password}\n", encoding="utf-8")
        password_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Created admin user {username!r} with password {password}"))
        self.stdout.write(f"(also saved in {password_file}; change it in the admin)")
