import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Refuse to serve with a keyring that cannot open what is stored (a start-up error, not a 500 later).
from encryption.keys import check_keyrings_at_startup  # noqa: E402

check_keyrings_at_startup()
