import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channeldesk.settings")


def _application():
    django_app = get_wsgi_application()
    from channeldesk.api.fast import FastReads
    from channeldesk.api.main import FAST_ROUTES

    # The hottest bearer-token reads are answered before Django's request cycle (api.fast).
    return FastReads(django_app, FAST_ROUTES)


application = _application()
