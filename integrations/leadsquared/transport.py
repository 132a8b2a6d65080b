"""A requests session whose https connections go only to public addresses.

``GuardedHTTPSConnection`` resolves the host with ``hosts.public_addresses`` right before
it connects and connects to the address it checked, so the address checked is the address
used. TLS still verifies the certificate against the host name.
"""
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from integrations.leadsquared import hosts


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        addresses = hosts.public_addresses(self.host, self.port or hosts.HTTPS_PORT)
        dns_host = self._dns_host
        last_error: Exception | None = None
        try:
            for address in addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()
                except (NewConnectionError, ConnectTimeoutError) as error:
                    last_error = error
        finally:
            self._dns_host = dns_host
        assert last_error is not None
        raise last_error


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": HTTPConnectionPool, "https": GuardedHTTPSConnectionPool}


def guarded_session() -> requests.Session:
    """Return a session for LeadSquared calls.

    Proxy settings from the environment are ignored (``trust_env``), because the guard
    would otherwise check the proxy's address instead of LeadSquared's.
    """
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    session.mount("https://", GuardedAdapter(max_retries=0))
    session.mount("http://", HTTPAdapter(max_retries=0))
    return session
