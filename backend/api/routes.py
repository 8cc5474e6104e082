"""Builds the app's flask-smorest Api and registers every resource's blueprint on it."""

from __future__ import annotations

from flask import Flask

from . import caseload, child_facts, children, feeds, health, organisation, plans, push, session, teams, visits
from .problems import ProblemApi

BLUEPRINTS = (
    session.blp,
    organisation.blp,
    health.blp,
    caseload.blp,
    children.blp,
    child_facts.blp,
    visits.blp,
    plans.blp,
    teams.blp,
    push.blp,
    feeds.blp,
)


def init_app(app: Flask) -> ProblemApi:
    api = ProblemApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return api
