"""``python -m ocpi.simulator …``: the ``cpo_simulator`` command without manage.py."""

from ocpi.simulator.cli import main

raise SystemExit(main())
