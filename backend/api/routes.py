"""Builds the app's flask-smorest Api and registers every resource's blueprint on it."""

from __future__ import annotations

from flask import Flask

from . import (
    carer_visits,
    carers,
    caseload,
    child_facts,
    children,
    feeds,
    health,
    household_visits,
    organisation,
    plans,
    push,
    session,
    teams,
    visits,
    workers,
)
from .problems import ProblemApi

BLUEPRINTS = (
    session.blp,
    organisation.blp,
    health.blp,
    caseload.blp,
    children.blp,
    child_facts.blp,
    visits.blp,
    household_visits.blp,
    carers.blp,
    carer_visits.blp,
    plans.blp,
    teams.blp,
    workers.blp,
    push.blp,
    feeds.blp,
)


def init_app(app: Flask) -> ProblemApi:
    api = ProblemApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
