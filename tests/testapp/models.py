from django.db import models


class Thing(models.Model):
    """A minimal client-owned object with ``last_updated``, for pagination tests."""

    name = models.CharField(max_length=50)
    last_updated = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name
