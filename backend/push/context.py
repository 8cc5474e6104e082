"""The push objects an app holds (``app.extensions["push"]``), for services and commands to use."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app

from .sender import PushSender
from .subscriptions import EndpointPolicy, Resolver
from .vapid import VapidKeys

log = logging.getLogger(__name__)


@dataclass
class PushSetup:
    """Built once per app by ``setup.init_app``; the sender is shared by every thread."""

    keys: VapidKeys
    sender: PushSender
    endpoints: EndpointPolicy
    # Names to addresses at registration (tests put a stand-in here: this machine has no DNS).
    resolve: Resolver
    # In production without VAPID_SUBJECT: warned about once, when push is first used.
    warn_placeholder_subject: bool = False


def push_setup() -> PushSetup:
    setup: PushSetup = current_app.extensions["push"]
    if setup.warn_placeholder_subject:
        setup.warn_placeholder_subject = False
        log.warning("VAPID_SUBJECT is not set: push services may refuse the placeholder contact address")
    return setup
