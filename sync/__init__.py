"""Keeping partner data in sync: pulls of the CPOs' Locations, Sessions, CDRs and Tariffs lists,
their schedules, locks, run records and the staff console (DESIGN.md §3 bulk paths)."""
