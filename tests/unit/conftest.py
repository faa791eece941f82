"""Unit tests run with sockets disabled: the pure core and the adapters' focused tests
(``responses`` stands in for Confluence) never need the network, loopback included. Tests
that talk to the local fakes live in ``tests/e2e`` and ``tests/fakes``."""

import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_sockets():
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()
