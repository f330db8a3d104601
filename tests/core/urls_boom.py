"""The portal's URLs plus one page that fails, for tests/core/test_errors.py."""

from django.db import connection
from django.urls import path

from channeldesk.urls import handler403, handler404, handler500
from channeldesk.urls import urlpatterns as portal


def boom(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_column FROM no_such_table_zq")  # fails: no such table
    raise AssertionError("not reached")


urlpatterns = [path("boom", boom), *portal]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
