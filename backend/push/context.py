"""The push objects an app holds (``app.extensions["push"]``), for services and commands to use."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .sender import PushSender
from .subscriptions import EndpointPolicy, Resolver
from .vapid import VapidKeys


@dataclass
class PushSetup:
    """Built once per app by ``setup.init_app``; the sender is shared by every thread."""

    keys: VapidKeys
    sender: PushSender
    endpoints: EndpointPolicy
    # Names to addresses at registration (tests put a stand-in here: this machine has no DNS).
    resolve: Resolver


def push_setup() -> PushSetup:
    setup: PushSetup = current_app.extensions["push"]
    return setup
