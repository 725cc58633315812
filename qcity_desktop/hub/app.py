"""The hub's HTTP API (FastAPI). Its OpenAPI description is served at /openapi.json and /docs.

Every route answers a client mistake with a 4xx and a one-line ``detail``; a 500 would be a bug
(the schemathesis fuzz in tests/test_hub_fuzz.py looks for them). Heavy work runs in the thread
pool so one big push never stalls blob uploads or the change feed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from qcity_desktop import __version__ as APP_VERSION
from qcity_desktop.errors import QCityError
from qcity_desktop.hub.accounts import AuthError, User
from qcity_desktop.hub.blobs import MAX_CHUNK, BlobError
from qcity_desktop.hub.errors import disk_full, error_body, full_disk_error, http_status
from qcity_desktop.hub.service import MAX_PAGE, Hub
from qcity_desktop.hub.validate import parse_push
from qcity_desktop.sync.protocol import MAX_BATCH, MAX_ID_LEN, PROTOCOL_VERSION, TABLES, is_sha256

_log = logging.getLogger("qcity.hub")

MAX_PUSH_BYTES = 64 * 1024 * 1024
MAX_BUNDLE_BYTES = 4 * 1024 * 1024 * 1024
SHA_PATTERN = "^[0-9a-f]{64}$"
COLUMN_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,63}$"

_CHANGE_SCHEMA = {
    "type": "object",
    "required": ["t", "id", "hlc", "body"],
    "properties": {
        "t": {"type": "string", "enum": [t.name for t in TABLES], "description": "the table the row belongs to"},
        "id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LEN},
        "op": {"type": "string", "enum": ["upsert", "delete"], "default": "upsert"},
        "hlc": {"type": "string", "pattern": r"^\d{15}\.\d{9}$", "description": "hybrid logical clock of the write"},
        "base": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**62 - 1,
                 "description": "hub version this edit is based on"},
        "final": {"type": "boolean", "description": "the row belongs to an inspection signed on the device"},
        "body": {"type": "object", "minProperties": 1, "maxProperties": 200,
                 "propertyNames": {"pattern": COLUMN_PATTERN},
                 "additionalProperties": {"type": ["string", "integer", "number", "null", "object"]},
                 "description": "the row's columns (text, numbers or null); ignored with op 'delete'. A packed "
                                "table (answer_sets) carries all answers of an inspection instead: {\"id\": "
                                "inspection id, \"same\": {column: value}, \"cols\": [names], \"rows\": "
                                "[[values], ...]} (docs/sync.md, Packed answers)"},
    },
}
_PUSH_SCHEMA = {
    "type": "object",
    "required": ["device_id", "changes"],
    "properties": {
        "device_id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LEN},
        "changes": {"type": "array", "maxItems": MAX_BATCH, "items": _CHANGE_SCHEMA},
    },
}


class Hello(BaseModel):
    device_id: str = Field(min_length=1, max_length=MAX_ID_LEN)
    device_code: str = Field(default="", max_length=16, pattern=r"^[0-9A-Z]*$")
    app_version: str = Field(default="", max_length=40)


class HelloReply(BaseModel):
    hub_id: str
    protocol: int
    user: str
    role: str
    device_code: str
    server_time_ms: int
    seq: int
    token_expires_at: str


class Missing(BaseModel):
    hashes: list[Annotated[str, Field(pattern=SHA_PATTERN)]] = Field(max_length=10_000)


class MissingBlob(BaseModel):
    sha256: str
    offset: int


class MissingReply(BaseModel):
    missing: list[MissingBlob]


class BlobReply(BaseModel):
    sha256: str
    complete: bool
    offset: int


class Health(BaseModel):
    ok: bool
    hub_id: str
    protocol: int
    version: str


def _user(request: Request, authorization: Annotated[str | None, Header()] = None) -> User:
    token = None
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    try:
        return request.app.state.hub.auth.user_for(token)
    except AuthError as err:
        raise HTTPException(401, str(err), headers={"WWW-Authenticate": "Bearer"}) from None


Auth = Annotated[User, Depends(_user)]


def create_app(hub: Hub) -> FastAPI:
    app = FastAPI(title="QCity Inspector hub", version=APP_VERSION,
                  description="Sync service for QCity Inspector devices (docs/sync.md).")
    app.state.hub = hub

    @app.exception_handler(QCityError)
    async def _qcity_error(_: Request, err: QCityError) -> JSONResponse:
        return JSONResponse(error_body(err), status_code=http_status(err))

    try:   # PostgreSQL's errors, when the hub may use it
        from psycopg import Error as PgError
    except ImportError:  # pragma: no cover - psycopg is a dependency
        PgError = sqlite3.Error  # noqa: N806

    @app.exception_handler(OSError)
    @app.exception_handler(sqlite3.Error)
    @app.exception_handler(PgError)
    async def _storage_error(_: Request, err: Exception) -> JSONResponse:
        # Any route that writes (hello, accounts, bundles) may meet a full disk: told as such, not as a bug.
        if disk_full(err):
            return JSONResponse({"detail": str(full_disk_error("the request could not be stored"))}, status_code=507)
        _log.error("request failed", exc_info=err)
        return JSONResponse({"detail": "internal error in the hub; see its log"}, status_code=500)

    @app.get("/v1/health", response_model=Health, tags=["service"],
             responses={503: {"description": "the hub's database is not reachable (one line in detail)"}})
    def health() -> dict[str, Any]:
        """Whether the hub can take a sync (no token needed): the Sync page's quiet probe, and a bureau's monitor.

        It asks the database, so a hub whose PostgreSQL server is down (or taken by another hub)
        says 503 here rather than 'ok' while every sync fails.
        """
        with hub.db.read() as c:
            c.one("SELECT 1")
        return {"ok": True, "hub_id": hub.hub_id, "protocol": PROTOCOL_VERSION, "version": APP_VERSION}

    @app.post("/v1/hello", response_model=HelloReply, tags=["sync"])
    def hello(body: Hello, u: Auth) -> dict[str, Any]:
        """Enrol (or re-announce) a device; returns its numbering code and the hub's clock."""
        return hub.hello(u, body.device_id, body.device_code)

    @app.post("/v1/push", tags=["sync"], openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _PUSH_SCHEMA}}}})
    async def push(request: Request, u: Auth) -> Response:
        """Store a batch of changes. Idempotent: sending the same batch again stores nothing new."""
        raw = await _read_body(request, MAX_PUSH_BYTES)

        def work() -> dict[str, Any]:
            try:
                device, changes = parse_push(raw)
            except (ValueError, RecursionError) as err:
                raise HTTPException(422, f"bad push: {str(err)[:300]}") from None
            return hub.push(u, device, changes)

        result = await run_in_threadpool(work)
        return Response(json.dumps(result, ensure_ascii=False), media_type="application/json")

    @app.get("/v1/changes", tags=["sync"])
    def changes(u: Auth, device: Annotated[str, Query(min_length=1, max_length=MAX_ID_LEN)],
                since: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000, own: bool = False) -> Response:
        """Rows changed after ``since`` that this user may see, oldest first; ``next`` is the new cursor."""
        hub.check_device(u, device)
        return Response(hub.changes_json(u, device, since, limit, own), media_type="application/json")

    @app.post("/v1/blobs/missing", response_model=MissingReply, tags=["blobs"])
    def missing(body: Missing, u: Auth) -> dict[str, Any]:
        """Which of these blobs the hub lacks, with the offset a partial upload can resume at."""
        return {"missing": hub.blobs.missing(body.hashes)}

    @app.put("/v1/blobs/{sha256}", response_model=BlobReply, tags=["blobs"], openapi_extra={
        "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {
            "type": "string", "format": "binary"}}}}})
    async def put_blob(request: Request, u: Auth, sha256: Annotated[str, Path(pattern=SHA_PATTERN)],
                       size: Annotated[int, Query(ge=0, le=2**40)],
                       offset: Annotated[int, Query(ge=0, le=2**40)] = 0) -> Any:
        """Upload a blob or one chunk of it (at most 16 MiB) at ``offset``; complete when the hash matches."""
        data = await _read_parts(request, MAX_CHUNK)
        mime = request.headers.get("x-blob-type") or request.headers.get("content-type", "")
        try:
            return await run_in_threadpool(hub.blobs.write, sha256, offset, size, data, mime)
        except BlobError as err:
            raise HTTPException(err.status, str(err), headers={"Upload-Offset": str(err.offset)}) from None

    @app.get("/v1/blobs/{sha256}", tags=["blobs"], response_class=FileResponse,
             responses={200: {"content": {"application/octet-stream": {}}}, 404: {"description": "no such blob"}})
    def get_blob(u: Auth, sha256: Annotated[str, Path(pattern=SHA_PATTERN)]) -> Any:
        """A stored blob (Range requests supported, so a broken download resumes)."""
        if not is_sha256(sha256) or not hub.blobs.has(sha256):
            raise HTTPException(404, f"no blob {sha256[:16]}")
        return FileResponse(hub.blobs.path(sha256), media_type=hub.blobs.mime(sha256))

    @app.get("/v1/conflicts", tags=["sync"])
    def conflicts(u: Auth, since: Annotated[str, Query(max_length=40)] = "",
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
        """Conflicts and refusals recorded by the hub (supervisors: all; inspectors: their own)."""
        return hub.conflicts(u, since, limit)

    @app.get("/v1/stats", tags=["service"])
    def stats(u: Auth) -> dict[str, Any]:
        """Row counts per table and blob totals (supervisors only)."""
        if not u.supervisor:
            raise HTTPException(403, "only supervisors see hub statistics")
        return hub.stats()

    @app.post("/v1/bundles", tags=["sync"], openapi_extra={
        "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {
            "type": "string", "format": "binary"}}}}})
    async def import_bundle(request: Request, u: Auth) -> Any:
        """Import a signed offline bundle written by ``qcity bundle export`` (a USB stick from a site)."""
        from qcity_desktop.sync.bundle import BundleError, import_into_hub

        tmp_dir = hub.data_dir / "tmp"
        tmp_dir.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="bundle-", suffix=".zip", dir=tmp_dir)
        try:
            size = 0
            with os.fdopen(fd, "wb") as fh:   # streamed to disk: a bundle may hold gigabytes of photos
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > MAX_BUNDLE_BYTES:
                        raise HTTPException(413, f"bundle larger than {MAX_BUNDLE_BYTES} bytes")
                    fh.write(chunk)
            try:
                return await run_in_threadpool(import_into_hub, hub, FsPath(name), u)
            except BundleError as err:
                raise HTTPException(422, str(err)) from None
        finally:
            os.unlink(name)

    @app.get("/v1/bundles/mine", tags=["sync"], response_class=StreamingResponse,
             responses={200: {"content": {"application/zip": {}}}})
    async def my_bundle(u: Auth, since: Annotated[int, Query(ge=0, le=2**62)] = 0,
                        device: Annotated[str | None, Query(min_length=1, max_length=MAX_ID_LEN)] = None) -> Any:
        """The signed hub bundle for the signed-in inspector: what their next pull would bring, for a laptop
        at a site without network (``qcity bundle fetch``; opened with ``qcity bundle import`` and their token).
        Sent as it is made: nothing is stored on the hub's disk on the way."""
        from qcity_desktop.sync.bundle_pull import stream_for_device

        pieces = await run_in_threadpool(stream_for_device, hub, u.name, since, device)
        name = f"qcity-{u.name}-{since}.zip"
        quoted = quote(name)
        disposition = (f'attachment; filename="{name}"' if quoted == name
                       else f"attachment; filename*=utf-8''{quoted}")
        return StreamingResponse(pieces, media_type="application/zip",
                                 headers={"Content-Disposition": disposition})

    @app.post("/v1/diag/sink", tags=["service"], openapi_extra={
        "requestBody": {"required": False, "content": {"application/octet-stream": {"schema": {
            "type": "string", "format": "binary"}}}}})
    async def sink(request: Request, u: Auth) -> dict[str, int]:
        """Read and discard the body: measures the raw link speed (the sync benchmark's baseline)."""
        n = 0
        async for chunk in request.stream():
            n += len(chunk)
        return {"bytes": n}

    return app


async def _read_body(request: Request, limit: int) -> bytes:
    parts = await _read_parts(request, limit)
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def _read_parts(request: Request, limit: int) -> list[bytes]:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise HTTPException(413, f"request body larger than {limit} bytes")
        except ValueError:
            raise HTTPException(400, "bad Content-Length") from None
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body larger than {limit} bytes")
        parts.append(chunk)
    return parts


