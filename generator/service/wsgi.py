"""The WSGI application gunicorn serves (``qinglian exam serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "generator.service.settings")
application = get_wsgi_application()
