"""The push route without the framework: the one request a hub under load serves thousands of.

FastAPI stays the hub's face (routes, OpenAPI, every other endpoint), but for ``POST /v1/push``
its layers — middleware, dependency solving, a thread hop for the token check and another for
the work — cost more of the one interpreter lock than storing the push did (docs/performance.md).
This small ASGI wrapper answers that route itself with the same contract the OpenAPI document
describes: 401 with ``WWW-Authenticate`` for a bad token, 413/400 for the body size, 422 for a
malformed batch, 409/400/503 for the hub's own errors, each a one-line ``{"detail": ...}``. A
small push is parsed on the event loop and handed straight to the writer thread, whose commit
wakes the request; a large one is parsed in a worker thread so it never stalls other requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread

from qcity_desktop.errors import InputError, QCityError, StateError
from qcity_desktop.hub.accounts import AuthError
from qcity_desktop.hub.validate import load_json, parse_batch

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INLINE_PARSE_BYTES = 256 * 1024     # bigger pushes are parsed off the event loop
_log = logging.getLogger("qcity.hub")


class _Refused(Exception):
    def __init__(self, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or []


class PushFastPath:
    """ASGI wrapper: ``POST /v1/push`` answered here, everything else passed to ``app``."""

    def __init__(self, app: ASGIApp, hub: Any, max_bytes: int) -> None:
        self.app = app
        self.hub = hub
        self.max_bytes = max_bytes

    def __getattr__(self, name: str) -> Any:   # app.state, app.openapi() … stay reachable
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/push" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        try:
            result = await self._push(scope, receive)
        except _Refused as err:
            await _reply(send, err.status, {"detail": err.detail}, err.headers)
            return
        except QCityError as err:
            status = 409 if isinstance(err, StateError) else 400 if isinstance(err, InputError) else 503
            await _reply(send, status, {"detail": str(err)})
            return
        except Exception:  # noqa: BLE001 - a bug: logged with its traceback, the client gets a plain 500
            _log.exception("push failed")
            await _reply(send, 500, {"detail": "internal error in the hub; see its log"})
            return
        await _reply(send, 200, result)

    async def _push(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        headers = dict(scope["headers"])
        user = self._user(headers.get(b"authorization"))
        raw = await self._body(headers.get(b"content-length"), receive)
        if len(raw) <= INLINE_PARSE_BYTES:
            device, changes = _parse(raw)
        else:
            device, changes = await anyio.to_thread.run_sync(_parse, raw)
        self.hub.check_device(user, device)
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Any] = loop.create_future()

        def wake(job: Any) -> None:   # on the writer thread, after COMMIT
            loop.call_soon_threadsafe(_settle, done, job)

        self.hub.ingest.submit(user, device, changes, wake)
        job = await done
        if job.error is not None:
            raise job.error
        return job.result

    def _user(self, authorization: bytes | None) -> Any:
        token = None
        if authorization:
            text = authorization.decode("latin-1")
            if text.lower().startswith("bearer "):
                token = text[7:].strip()
        try:
            return self.hub.auth.user_for(token)
        except AuthError as err:
            raise _Refused(401, str(err), [(b"www-authenticate", b"Bearer")]) from None

    async def _body(self, declared: bytes | None, receive: Receive) -> bytes:
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise _Refused(400, "bad Content-Length") from None
            if size > self.max_bytes:
                raise _Refused(413, f"request body larger than {self.max_bytes} bytes")
        parts: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Refused(400, "the client went away before sending the whole push")
            chunk = message.get("body", b"")
            if chunk:
                total += len(chunk)
                if total > self.max_bytes:
                    raise _Refused(413, f"request body larger than {self.max_bytes} bytes")
                parts.append(chunk)
            if not message.get("more_body", False):
                return parts[0] if len(parts) == 1 else b"".join(parts)


def _parse(raw: bytes) -> tuple[str, list[Any]]:
    from qcity_desktop.hub.ingest import Ingest

    try:
        device, changes = parse_batch(load_json(raw), len(raw))
    except (ValueError, RecursionError) as err:
        raise _Refused(422, f"bad push: {str(err)[:300]}") from None
    Ingest.prepare(changes)
    return device, changes


def _settle(done: asyncio.Future[Any], job: Any) -> None:
    if not done.done():
        done.set_result(job)


async def _reply(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
                 ) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": data})
