"""The staff console for customers: create and edit contracts, block and unblock them.

The form runs the model validation the services run (``Customer.clean``: the policy lists,
the lower-cased e-mail); the status changes only through the block/unblock actions, which tell the tokens
room so the served ``valid`` of the customer's tokens follows.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from customers import services
from customers.models import Customer, PricingPlan
from ocpi.core.audit import Audited
from ocpi.core.console import LargeList


@admin.register(PricingPlan)
class PricingPlanAdmin(Audited, admin.ModelAdmin):
    list_display = ("name", "markup_percent", "fee_per_session", "price_per_kwh", "currency")
    search_fields = ("name",)


@admin.register(Customer)
class CustomerAdmin(LargeList, Audited, admin.ModelAdmin):
    list_display = ("name", "email", "contract_id", "status", "has_credit", "valid_until", "billing_country")
    list_filter = ("status", "has_credit", "billing_country", "pricing_plan")
    search_fields = ("name", "email", "contract_id")
    list_select_related = ("pricing_plan",)
    readonly_fields = ("status", "created", "updated")
    filter_horizontal = ("allowed_partners",)
    actions = ("block", "unblock")
    fieldsets = (
        (None, {"fields": ("name", "email", "contract_id", "status", "created", "updated")}),
        ("Contract", {"fields": ("valid_until", "has_credit", "billing_country", "pricing_plan")}),
        (
            "Authorization policy",
            {"fields": ("allowed_partners", "blocked_location_ids", "blocked_evse_uids")},
        ),
    )

    @admin.action(description="Block the selected customers")
    def block(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        changed = sum(services.customer_block(customer=customer) for customer in queryset)
        self.message_user(request, f"Blocked {changed} customer(s).", messages.SUCCESS)

    @admin.action(description="Unblock the selected customers")
    def unblock(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        changed = sum(services.customer_unblock(customer=customer) for customer in queryset)
        self.message_user(request, f"Unblocked {changed} customer(s).", messages.SUCCESS)
