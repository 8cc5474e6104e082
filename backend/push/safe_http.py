"""An HTTP session that refuses to talk to loopback, private, link-local or reserved addresses.

Registration refuses endpoints whose names resolve there, but a name can be re-pointed
after it was checked (DNS rebinding), and the resolver is asked again at every connection.
So the check that counts is made on the socket itself: once connected, its peer address
must be public, or the connection is closed before a byte is sent. Hosts the operator
allowed (``PUSH_ALLOWED_HOSTS``) are exempt. Behind an HTTP proxy the peer is the proxy,
which then does the resolving: the names are still checked, the addresses are its job.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .subscriptions import EndpointPolicy, address_problem


class ForbiddenAddress(OSError):
    """The endpoint's host resolved to an address the server must not reach."""


def guarded_session(policy: EndpointPolicy) -> requests.Session:
    session = requests.Session()
    adapter = _GuardedAdapter(policy)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def caused_by_forbidden_address(problem: BaseException) -> bool:
    """Whether a requests error came from ``ForbiddenAddress`` (urllib3 wraps it twice or more)."""
    seen: set[int] = set()
    pending: list[Any] = [problem]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, ForbiddenAddress):
            return True
        seen.add(id(current))
        pending.extend([*current.args, current.__cause__, current.__context__, getattr(current, "reason", None)])
    return False


def _check_peer(connection: HTTPConnection, sock: Any, policy: EndpointPolicy) -> None:
    if policy.is_allowed_host(connection.host) or getattr(connection, "proxy", None) is not None:
        return
    problem = address_problem(str(sock.getpeername()[0]))
    if problem is not None:
        sock.close()
        raise ForbiddenAddress(problem)


def _guarded_pools(policy: EndpointPolicy) -> dict[str, type[HTTPConnectionPool]]:
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> Any:
            sock = super()._new_conn()
            _check_peer(self, sock, policy)
            return sock

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> Any:
            sock = super()._new_conn()
            _check_peer(self, sock, policy)
            return sock

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: EndpointPolicy) -> None:
        self._pools = _guarded_pools(policy)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools  # type: ignore[assignment]
