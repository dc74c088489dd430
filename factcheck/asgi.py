import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Under ASGI each request's synchronous code runs in a thread of its own that ends with the
# request: a connection kept open for reuse would stay behind with nobody to reuse it.
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

application = get_asgi_application()
