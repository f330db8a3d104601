from django.db import models


class CatalogVersion(models.Model):
    """A loaded catalog document; the newest row is the one in force. Every load that changes
    the catalog adds a row (its id is the catalog version), so the history stays readable."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=300, blank=True)
    document = models.JSONField()
