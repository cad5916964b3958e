"""Admin login throttling: after ADMIN_LOGIN_MAX_FAILURES failed logins from one address, or for
one username, within ADMIN_LOGIN_WINDOW_SECONDS, further attempts are answered 429 without
checking the password. Counted in the cache (Redis when REDIS_URL is set, so every worker
shares the count); a cache that does not answer never locks staff out (logged)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

log = logging.getLogger(__name__)


def throttled_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin login, refusing attempts past the limit before any password is checked."""
    if request.method == "POST" and _blocked(request):
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "app_path": request.get_full_path(),
            "username": request.POST.get("username", ""),
            "form": AdminAuthenticationForm(request),
            "throttled_minutes": max(1, settings.ADMIN_LOGIN_WINDOW_SECONDS // 60),
        }
        return TemplateResponse(request, "admin/login_throttled.html", context, status=429)
    return admin.site.login(request, extra_context)


@receiver(user_login_failed, dispatch_uid="emsp.login_throttle.failed")
def _count_failure(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is None:
        return
    for key in _keys(request, credentials.get("username", "")):
        try:
            cache.add(key, 0, timeout=settings.ADMIN_LOGIN_WINDOW_SECONDS)
            cache.incr(key)
        except Exception as exc:
            log.warning("Login throttle not counted: the cache does not answer (%s)", exc)
            return


@receiver(user_logged_in, dispatch_uid="emsp.login_throttle.succeeded")
def _forget_user(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if request is not None and user is not None:
        try:
            cache.delete(_keys(request, user.get_username())[1])
        except Exception as exc:
            log.warning("Login throttle not reset: the cache does not answer (%s)", exc)


def _blocked(request: HttpRequest) -> bool:
    try:
        counts = cache.get_many(_keys(request, request.POST.get("username", "")))
    except Exception as exc:
        log.warning("Login throttle not checked: the cache does not answer (%s)", exc)
        return False
    return any(count >= settings.ADMIN_LOGIN_MAX_FAILURES for count in counts.values())


def _keys(request: HttpRequest, username: str) -> list[str]:
    prefix = settings.ADMIN_LOGIN_THROTTLE_PREFIX
    address = request.META.get("REMOTE_ADDR", "")
    return [f"{prefix}:address:{address}", f"{prefix}:user:{username.strip().lower()[:150]}"]
