"""gunicorn's settings for Casework: `gunicorn -c config/gunicorn_conf.py config.wsgi`.

gunicorn names itself in a `Server` header on every response; this config names the service instead, so that
responses do not advertise the server software (gunicorn's command-line options still apply on top).
"""

import gunicorn
import gunicorn.http.wsgi

SERVER_NAME = "Casework"

# gunicorn.http.wsgi copied the name when it was imported: set it there, where each response reads it.
gunicorn.SERVER = gunicorn.http.wsgi.SERVER = SERVER_NAME
gunicorn.SERVER_SOFTWARE = gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME
