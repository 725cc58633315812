"""The push and photo-upload routes without the framework: the requests a busy hub serves by the thousand.

FastAPI stays the hub's face (routes, OpenAPI, every other endpoint), but for ``POST /v1/push``
its layers — middleware, dependency solving, a thread hop for the token check and another for
the work — cost more of the one interpreter lock than storing the push did (docs/performance.md).
This small ASGI wrapper answers that route itself with the same contract the OpenAPI document
describes: 401 with ``WWW-Authenticate`` for a bad token, 413/400 for the body size, 422 for a
malformed batch, 409/400/503 (507: disk full) for the hub's own errors, each a one-line ``{"detail": ...}``. A
small push is parsed on the event loop and handed straight to the writer thread, whose commit
wakes the request; a large one is parsed in a worker thread so it never stalls other requests.

``PUT /v1/blobs/{sha256}?size=&offset=`` likewise: a request whose path or query is anything but
the plain form (a bad hash, a missing or non-numeric size, unknown parameters) is handed to
FastAPI untouched, so its validation answers stay exactly those of the OpenAPI document. And
``POST /v1/diag/sink``, the benchmark's raw-upload baseline: it must not be slower than the routes
it is the baseline for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread

from qcity_desktop.errors import QCityError
from qcity_desktop.hub.accounts import AuthError
from qcity_desktop.hub.blobs import MAX_CHUNK, BlobError
from qcity_desktop.hub.errors import disk_full, error_body, full_disk_error, http_status
from qcity_desktop.hub.validate import parse_push

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INLINE_PARSE_BYTES = 256 * 1024     # bigger pushes are parsed off the event loop
_BLOB_PATH = re.compile(r"^/v1/blobs/([0-9a-f]{64})$")
_NUMBER = re.compile(r"^[0-9]{1,13}$")
MAX_BLOB_FIELD = 2**40
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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/v1/push" and scope["method"] == "POST":
            work: Any = self._push(scope, receive)
        elif scope["method"] == "PUT" and (blob := _blob_request(scope)) is not None:
            work = self._put_blob(scope, receive, *blob)
        elif scope["path"] == "/v1/diag/sink" and scope["method"] == "POST":
            work = self._sink(scope, receive)
        else:
            await self.app(scope, receive, send)
            return
        try:
            result = await work
        except _Refused as err:
            await _reply(send, err.status, {"detail": err.detail}, err.headers)
            return
        except QCityError as err:
            await _reply(send, http_status(err), error_body(err))
            return
        except Exception as err:  # noqa: BLE001 - a bug: logged with its traceback, the client gets a plain 500
            if disk_full(err):
                await _reply(send, 507, {"detail": str(full_disk_error("the request could not be stored"))})
                return
            _log.exception("push failed")
            await _reply(send, 500, {"detail": "internal error in the hub; see its log"})
            return
        await _reply(send, 200, result)

    async def _sink(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        """Read and discard: the benchmark's raw-upload baseline, served as leanly as the routes it is compared with."""
        self._user(dict(scope["headers"]).get(b"authorization"))
        n = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Refused(400, "the client went away")
            n += len(message.get("body", b""))
            if not message.get("more_body", False):
                return {"bytes": n}

    async def _put_blob(self, scope: Scope, receive: Receive, sha: str, size: int, offset: int) -> dict[str, Any]:
        headers = dict(scope["headers"])
        self._user(headers.get(b"authorization"))
        parts = await self._body(headers.get(b"content-length"), receive, MAX_CHUNK, whole=False)
        mime = (headers.get(b"x-blob-type") or headers.get(b"content-type") or b"").decode("latin-1")
        try:
            return await anyio.to_thread.run_sync(self.hub.blobs.write, sha, offset, size, parts, mime)
        except BlobError as err:
            raise _Refused(err.status, str(err), [(b"upload-offset", str(err.offset).encode())]) from None

    async def _push(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        headers = dict(scope["headers"])
        user = self._user(headers.get(b"authorization"))
        raw = await self._body(headers.get(b"content-length"), receive, self.max_bytes)
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

    async def _body(self, declared: bytes | None, receive: Receive, limit: int, whole: bool = True) -> Any:
        """The request body, at most ``limit`` bytes; as one ``bytes``, or the pieces as they came."""
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise _Refused(400, "bad Content-Length") from None
            if size > limit:
                raise _Refused(413, f"request body larger than {limit} bytes")
        parts: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Refused(400, "the client went away before sending the whole push")
            chunk = message.get("body", b"")
            if chunk:
                total += len(chunk)
                if total > limit:
                    raise _Refused(413, f"request body larger than {limit} bytes")
                parts.append(chunk)
            if not message.get("more_body", False):
                if not whole:
                    return parts
                return parts[0] if len(parts) == 1 else b"".join(parts)


def _blob_request(scope: Scope) -> tuple[str, int, int] | None:
    """(sha, size, offset) of a plain photo upload; None sends the request to FastAPI."""
    match = _BLOB_PATH.match(scope["path"])
    if match is None:
        return None
    try:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True,
                          strict_parsing=False)
    except ValueError:
        return None
    fields = dict(query)
    if len(fields) != len(query) or set(fields) - {"size", "offset"} or "size" not in fields:
        return None
    if not all(_NUMBER.match(v) for v in fields.values()):
        return None
    size, offset = int(fields["size"]), int(fields.get("offset", "0"))
    if size > MAX_BLOB_FIELD or offset > MAX_BLOB_FIELD:
        return None
    return match.group(1), size, offset


def _parse(raw: bytes) -> tuple[str, list[Any]]:
    from qcity_desktop.hub.ingest import Ingest

    try:
        device, changes = parse_push(raw)
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
