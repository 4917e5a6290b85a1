"""The intranet exam service (``qinglian exam open|serve|export|admin``): one Django app.

``config.setup()`` configures Django from arguments and the environment (settings.py reads only
the environment, as healthchecks does); ``models.py`` holds the domain rules (timer, states,
lockout); ``api.py`` the candidate JSON API of DESIGN.md; ``dashboard.py`` the trainer's pages;
``sitting.py`` opening a sitting (roster, codes, slips) and ``scoring.py`` the bridge to
``generator.grading`` (one grading implementation for the service, its export and ``quiz grade``).
"""
