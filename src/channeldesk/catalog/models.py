from django.db import models


class CatalogVersion(models.Model):
    """A loaded catalog document; the newest row is the one in force."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=300, blank=True)
    document = models.JSONField()
