"""gunicorn's settings, read from the working directory: ``gunicorn wsgi:app``.

It refuses to start a configuration that may not serve (``PUBLIC_BASE_URL`` unset in
production) and keeps gunicorn's name out of the ``Server`` header. Other settings come from
the command line or ``GUNICORN_CMD_ARGS``.
"""

import sys

from backend.api.serving import quiet_gunicorn
from backend.config import DEFAULTS, from_environment, serving_problem

_problem = serving_problem({**DEFAULTS, **from_environment()})
if _problem:
    sys.exit(f"Not starting: {_problem}")

quiet_gunicorn()
