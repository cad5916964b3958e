"""A served list: generated objects by index plus the overlay of changes; date windows are index
ranges with the changed, inserted and removed objects as exceptions."""

from __future__ import annotations

from ocpi.simulator.collection import Collection
from ocpi.simulator.generate import Timeline


def numbered(count: int) -> Collection:
    return Collection(generated=count, timeline=Timeline(1000, 10), generate=lambda i: {"n": i})


def ids(collection: Collection, **window) -> list[int]:
    return [obj["n"] for _, obj in collection.page(offset=0, limit=1000, **window).items]


def test_a_date_window_is_from_inclusive_to_exclusive():
    collection = numbered(10)  # object i was last updated at 1000 + 10·i
    assert ids(collection, date_from=1020, date_to=1050) == [2, 3, 4]
    assert ids(collection, date_from=1021) == [3, 4, 5, 6, 7, 8, 9]
    assert ids(collection, date_to=1000) == []
    assert collection.page(offset=1, limit=2, date_from=1020).total == 8


def test_changed_inserted_and_removed_objects_keep_the_order_and_move_in_and_out_of_windows():
    collection = numbered(10)
    collection.put(2, {"n": 2, "changed": True}, epoch=5000)
    collection.remove(5)
    collection.insert(lambda index: {"n": index}, epoch=6000)
    assert ids(collection) == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert ids(collection, date_from=1020, date_to=1090) == [3, 4, 6, 7, 8]  # 2 left the window
    assert ids(collection, date_from=4000) == [2, 10]
    page = collection.page(offset=3, limit=3)
    assert ([obj["n"] for _, obj in page.items], page.total) == ([3, 4, 6], 10)
    assert collection.get(5) is None
    assert collection.get(2) == {"n": 2, "changed": True}


def test_pages_cover_every_object_exactly_once_with_exceptions_on_both_sides_of_the_window():
    collection = numbered(100)
    for index in (0, 13, 14, 50, 99):
        collection.put(index, {"n": index}, epoch=1000 + 10 * index)  # same time: same window
    collection.remove(70)
    seen: list[int] = []
    offset = 0
    while True:
        page = collection.page(offset=offset, limit=7, date_from=1100, date_to=1900)
        seen.extend(obj["n"] for _, obj in page.items)
        offset += 7
        if offset >= page.total:
            break
    assert seen == [n for n in range(10, 90) if n != 70]
