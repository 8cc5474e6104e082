"""Planned contacts: making, moving, cancelling and reading them (``service.py``) and recording
the visit a plan was for (``completion.py``). Which plan answers a due date is read with the
caseload (services/next_plans.py, below this package: the caseload needs it). docs/planning.md.
"""
