"""Properties that hold for any tariff and usage: a cost is never negative, and it never goes
down when a session uses more energy or time while no restriction switches."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from billing.engine import price_cdr
from tests.billing.engine.makers import cdr, element, tariff

prices = st.decimals(min_value=0, max_value=10, places=2).map(float)
steps = st.sampled_from([0, 1, 60, 100, 300, 900, 1800])
dimension = st.sampled_from(["ENERGY", "FLAT", "TIME", "PARKING_TIME"])
components = st.lists(st.tuples(dimension, prices, steps), min_size=1, max_size=4, unique_by=lambda c: c[0])
volumes = st.decimals(min_value=0, max_value=80, places=3).map(float)
hours = st.decimals(min_value=0, max_value=3, places=4).map(float)
clock = st.sampled_from(["00:00", "06:00", "09:30", "17:00", "22:00"])
restrictions = st.fixed_dictionaries(
    {},
    optional={
        "start_time": clock,
        "end_time": clock,
        "min_kwh": st.sampled_from([0, 5, 10.5]),
        "max_kwh": st.sampled_from([5, 20, 60]),
        "min_power": st.sampled_from([0, 11, 32]),
        "max_power": st.sampled_from([11, 22, 50]),
        "min_duration": st.sampled_from([0, 1800, 3600]),
        "max_duration": st.sampled_from([900, 3600, 7200]),
        "day_of_week": st.lists(st.sampled_from(["MONDAY", "SATURDAY", "SUNDAY"]), max_size=2),
    },
)
elements = st.lists(st.tuples(components, restrictions).map(lambda e: element(*e[0], **e[1])), min_size=1, max_size=4)
starts = st.sampled_from(["2026-03-28T22:10:00Z", "2026-10-24T23:50:00Z", "2026-01-14T16:45:00Z"])


def two_periods(start: str, energy: float, charging: float, parking: float) -> dict:
    from datetime import datetime, timedelta

    begin = datetime.fromisoformat(start)
    middle = begin + timedelta(hours=charging)
    end = middle + timedelta(hours=parking)
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return cdr(
        [
            (begin.strftime(iso), {"ENERGY": energy, "TIME": charging}),
            (middle.strftime(iso), {"PARKING_TIME": parking}),
        ],
        end.strftime(iso),
    )


@settings(max_examples=300, deadline=None)
@given(elements, starts, volumes, hours, hours)
def test_it_never_costs_less_than_nothing(priced, start, energy, charging, parking):
    price = price_cdr(two_periods(start, energy, charging, parking), tariff(*priced))
    assert price.total >= 0
    assert all(line.amount >= 0 for line in price.lines)


@settings(max_examples=300, deadline=None)
@given(components, volumes, volumes, hours, hours, hours, hours)
def test_it_never_costs_less_for_more_energy_or_time_without_restrictions(  # noqa: PLR0917 (given)
    components, energy, more_energy, charging, more_charging, parking, more_parking
):
    priced = tariff(element(*components))
    start = "2026-01-14T16:45:00Z"
    less = price_cdr(two_periods(start, energy, charging, parking), priced).total
    more = price_cdr(
        two_periods(start, energy + more_energy, charging + more_charging, parking + more_parking), priced
    ).total
    assert more >= less - Decimal("1e-20")  # Decimal division noise is 1e-27 at most


def elements_used(price) -> dict[str, set[int]]:
    used: dict[str, set[int]] = {}
    for line in price.lines:
        used.setdefault(line.dimension, set()).add(line.element)
    return used


def all_priced(price, energy: float, charging: float, parking: float) -> bool:
    """Whether each dimension priced at all was priced over the whole session (no restriction
    stopped matching part way)."""
    session = {"ENERGY": energy, "TIME": charging, "PARKING_TIME": parking}
    priced: dict[str, Decimal] = {}
    for line in price.lines:
        if not line.note and line.dimension in session:
            priced[line.dimension] = priced.get(line.dimension, Decimal(0)) + line.volume
    return all(abs(volume - Decimal(str(session[name]))) < Decimal("1e-9") for name, volume in priced.items())


@settings(max_examples=400, deadline=None)
@given(elements, starts, volumes, volumes, hours, hours, hours, hours)
def test_it_never_costs_less_for_more_energy_or_time_while_no_restriction_switches(  # noqa: PLR0917 (given)
    priced, start, energy, more_energy, charging, more_charging, parking, more_parking
):
    # With restrictions of every kind, but only where each dimension stays with one element in
    # both sessions: a switch mid-session may rightly lower the cost (the step's rest is priced
    # with the last element, 2.2.1 §11.4.5), so that is outside the property.
    rated = tariff(*priced)
    less = price_cdr(two_periods(start, energy, charging, parking), rated)
    more = price_cdr(two_periods(start, energy + more_energy, charging + more_charging, parking + more_parking), rated)
    used_less, used_more = elements_used(less), elements_used(more)
    assume(all(len(used) == 1 for used in used_more.values()))
    assume(all_priced(less, energy, charging, parking))
    assume(all_priced(more, energy + more_energy, charging + more_charging, parking + more_parking))
    assume(all(used_less[name] == used_more.get(name) for name in used_less))
    assert more.total >= less.total - Decimal("1e-20")
