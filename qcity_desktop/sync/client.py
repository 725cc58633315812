"""HTTP to the hub with retries: every call the sync makes is safe to repeat, so a dropped
connection is simply retried (with back-off) instead of failing the whole sync.

The one exception is the very first contact: when the hub does not answer at all the device is
offline, which is normal — ``HubUnreachable`` says so in one line after a quick try.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
import time
from pathlib import Path
from typing import Any

import httpx

from qcity_desktop import __version__
from qcity_desktop.errors import EnvironmentProblem, QCityError
from qcity_desktop.sync.credentials import normalise_url
from qcity_desktop.sync.protocol import encode_json

RETRY_STATUS = {502, 503, 504}
_EXPIRED = re.compile(r"expired on (\d{4}-\d{2}-\d{2})")
TRANSIENT = (httpx.TransportError,)


class HubUnreachable(EnvironmentProblem):
    """The hub did not answer (offline, wrong address, hub down). Nothing was lost.

    ``status`` is the last HTTP status when something did answer (502/503/504: the hub or the proxy
    in front of it is up but cannot serve now), and ``code`` the hub's reason (``hub_db_unavailable``,
    ``hub_db_taken``): a screen then says "the hub is unavailable", not "you are offline".
    """

    def __init__(self, message: str, status: int | None = None, code: str = "") -> None:
        super().__init__(message, "hub_unavailable" if status else "offline")
        self.status = status
        self.code = code


class HubFull(EnvironmentProblem):
    """The hub's disk is full (HTTP 507): retrying now would not help; nothing on the device was lost."""


class HubRefused(QCityError):
    """The hub answered but refused: wrong or expired token, not allowed, incompatible.

    ``code`` says which refusal it is (``token``, ``token_expired``, ``device_taken``, ``forbidden``,
    ``other_hub``, ``protocol``, ``photo_hash``, ``status``) and ``info`` holds its particulars, so the
    desktop can word it in the user's language; the message stays the CLI's one English line.
    """

    exit_code = 4

    def __init__(self, message: str, code: str = "status", **info: Any) -> None:
        super().__init__(message)
        self.code = code
        self.info = info


class HubClient:
    def __init__(self, url: str, token: str | None, timeout: float = 60.0, retries: int = 6,
                 verify: bool | str | ssl.SSLContext | None = None) -> None:
        self.url = normalise_url(url)
        if not self.url.startswith(("http://", "https://")):
            raise QCityError(f"hub address {url!r} must start with http:// or https://")
        self.token = token
        self.retries = retries
        if verify is None:
            verify = os.environ.get("QCITY_HUB_CA") or True
        if isinstance(verify, str):   # the bureau's own CA or a self-signed hub certificate
            try:
                verify = ssl.create_default_context(cafile=verify)
            except (OSError, ssl.SSLError) as err:
                raise QCityError(f"cannot use the hub certificate {verify}: {err}") from None
        headers = {"User-Agent": f"qcity/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(base_url=self.url, headers=headers, verify=verify,
                                 timeout=httpx.Timeout(timeout, connect=5.0), http2=False,
                                 limits=httpx.Limits(max_connections=8, max_keepalive_connections=8))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the retry loop --------------------------------------------------------------------------
    def request(self, method: str, path: str, *, retries: int | None = None, ok: tuple[int, ...] = (200,),
                **kw: Any) -> httpx.Response:
        attempts = (self.retries if retries is None else retries) + 1
        delay = 0.2
        last = ""
        status, code = None, ""
        for attempt in range(attempts):
            try:
                resp = self.http.request(method, path, **kw)
            except httpx.ConnectError as err:
                if "CERTIFICATE_VERIFY_FAILED" in str(err):   # not offline: retrying cannot help
                    reason = str(err).split("certificate verify failed:")[-1].split("(_ssl")[0].strip(" :")
                    raise HubRefused(f"the hub's certificate is not trusted by this device ({reason or err}); give "
                                     "it the bureau's certificate file: qcity sync --ca FILE (or 证书… on the Sync "
                                     "page)", "certificate", reason=reason) from None
                last, status, code = _describe(err), None, ""
                if attempt >= 2:        # nobody listening: the hub is down or we are offline
                    break
            except TRANSIENT as err:
                last, status, code = _describe(err), None, ""
            else:
                if resp.status_code in ok:
                    return resp
                if resp.status_code not in RETRY_STATUS:
                    self._raise_for(resp)
                status, code = resp.status_code, _code(resp)
                said = _detail(resp) if code else ""     # the hub's own line (a proxy's error page is not one)
                last = f"HTTP {status}: {said}" if said else f"HTTP {status}"
            if attempt + 1 < attempts:
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        state = "cannot take a sync now" if status else "is not reachable"   # it answered, or nothing did
        raise HubUnreachable(f"hub {self.url} {state} ({last}); your changes stay on this device", status, code)

    def _raise_for(self, resp: httpx.Response) -> None:
        try:
            detail = resp.json().get("detail")
        except (ValueError, AttributeError):
            detail = resp.text[:200]
        if isinstance(detail, list):
            detail = "; ".join(str(d.get("msg", d)) for d in detail[:3])
        text = str(detail)
        if resp.status_code in RETRY_STATUS:   # up but cannot serve now (a download, a bundle): not a refusal
            raise HubUnreachable(f"hub {self.url} cannot serve now (HTTP {resp.status_code}: {text[:200]}); "
                                 "nothing was lost — try again shortly", resp.status_code, _code(resp))
        if resp.status_code == 401:
            expired = _EXPIRED.search(text)
            if expired:
                raise HubRefused(f"the hub refused the token: {detail}", "token_expired", date=expired.group(1))
            raise HubRefused(f"the hub refused the token: {detail}", "token")
        if resp.status_code == 403:
            raise HubRefused(f"not allowed: {detail}", "forbidden")
        if resp.status_code == 507:
            raise HubFull(f"{detail}; your changes stay on this device")
        if resp.status_code == 409 and "enrolled by another user" in text:
            raise HubRefused(f"the hub answered 409: {detail}", "device_taken")
        raise HubRefused(f"the hub answered {resp.status_code}: {detail}", "status", status=resp.status_code,
                         detail=text[:200])

    # -- API -------------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self.request("GET", "/v1/health", retries=1).json()

    def hello(self, device_id: str, device_code: str) -> dict[str, Any]:
        # The first contact: when it fails the device is simply offline, so do not keep trying.
        return self.request("POST", "/v1/hello", retries=2, json={"device_id": device_id, "device_code": device_code,
                                                                   "app_version": __version__}).json()

    def push(self, device_id: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
        body = encode_json({"device_id": device_id, "changes": changes})
        return self.request("POST", "/v1/push", content=body, headers={"Content-Type": "application/json"}).json()

    def changes(self, device_id: str, since: int, limit: int = 1000, own: bool = False) -> dict[str, Any]:
        params = {"device": device_id, "since": since, "limit": limit}
        if own:
            params["own"] = "true"
        return self.request("GET", "/v1/changes", params=params).json()

    def missing(self, hashes: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(hashes), 5000):
            resp = self.request("POST", "/v1/blobs/missing", json={"hashes": hashes[i:i + 5000]})
            out.update({m["sha256"]: int(m["offset"]) for m in resp.json()["missing"]})
        return out

    def put_blob(self, sha: str, data: bytes, mime: str, offset: int = 0, chunk: int = 8 * 1024 * 1024) -> None:
        """Upload from ``offset`` in chunks; a chunk that fails is re-sent from where the hub says it stopped."""
        total = len(data)
        if offset > total:   # the hub holds more bytes than this photo has: not ours, start over
            offset = 0
        tries = 0
        while True:
            end = min(offset + chunk, total)
            try:
                resp = self.http.put(f"/v1/blobs/{sha}", params={"offset": offset, "size": total},
                                     content=data[offset:end],
                                     headers={"Content-Type": "application/octet-stream", "X-Blob-Type": mime})
            except TRANSIENT as err:
                tries += 1
                if tries > self.retries:
                    raise HubUnreachable(f"hub {self.url} is not reachable ({_describe(err)}) while uploading a photo; "
                                         "the upload resumes at the next sync") from None
                time.sleep(min(0.2 * 2 ** tries, 5.0))
                offset = self._offset(sha)
                if offset < 0:
                    return
                offset = offset if offset <= total else 0
                continue
            if resp.status_code == 409:
                offset = int(resp.headers.get("Upload-Offset", "0"))
                offset = offset if offset <= total else 0
                continue
            if resp.status_code in RETRY_STATUS:
                tries += 1
                if tries > self.retries:
                    raise HubUnreachable(f"hub {self.url} kept answering HTTP {resp.status_code} to a photo upload; "
                                         "the upload resumes at the next sync", resp.status_code, _code(resp))
                time.sleep(min(0.2 * 2 ** tries, 5.0))
                continue
            if resp.status_code != 200:
                self._raise_for(resp)
            info = resp.json()
            if info.get("complete"):
                return
            offset = int(info["offset"])

    def _offset(self, sha: str) -> int:
        """Where an interrupted upload resumes; -1 when the hub already has the whole blob."""
        found = self.missing([sha])
        return found[sha] if sha in found else -1

    def get_blob(self, sha: str) -> tuple[bytes, str]:
        """Download and verify; a broken transfer continues with a Range request from what arrived."""
        buf = bytearray()
        tries = 0
        mime = "application/octet-stream"
        while True:
            headers = {"Range": f"bytes={len(buf)}-"} if buf else {}
            try:
                with self.http.stream("GET", f"/v1/blobs/{sha}", headers=headers) as resp:
                    if resp.status_code not in (200, 206):
                        resp.read()
                        self._raise_for(resp)
                    if resp.status_code == 200:
                        buf.clear()
                    mime = resp.headers.get("content-type", mime).split(";")[0].strip()
                    for part in resp.iter_bytes():
                        buf += part
            except TRANSIENT as err:
                tries += 1
                if tries > self.retries:
                    raise HubUnreachable(f"hub {self.url} is not reachable ({_describe(err)}) while downloading a "
                                         "photo; it continues at the next sync") from None
                time.sleep(min(0.2 * 2 ** tries, 5.0))
                continue
            data = bytes(buf)
            if hashlib.sha256(data).hexdigest() == sha:
                return data, mime
            buf.clear()
            tries += 1
            if tries > self.retries:
                raise HubRefused(f"photo {sha[:12]} from the hub does not match its hash", "photo_hash", sha=sha[:12])

    def download(self, path: str, target: Path, params: dict[str, Any] | None = None) -> int:
        """Stream a GET into ``target`` (via ``target.part``, so a broken download leaves no half file); bytes written."""
        part = target.with_name(target.name + ".part")
        written = 0
        try:
            with self.http.stream("GET", path, params=params) as resp:
                if resp.status_code != 200:
                    resp.read()
                    self._raise_for(resp)
                with open(part, "wb") as fh:
                    for chunk in resp.iter_bytes(1 << 20):
                        fh.write(chunk)
                        written += len(chunk)
            part.replace(target)
        except TRANSIENT as err:
            part.unlink(missing_ok=True)
            raise HubUnreachable(f"hub {self.url} is not reachable ({_describe(err)}); nothing was saved") from None
        except OSError as err:
            part.unlink(missing_ok=True)
            raise EnvironmentProblem(f"cannot write {target}: {err.strerror or err}") from None
        return written

    def sink(self, data: bytes) -> int:
        return int(self.request("POST", "/v1/diag/sink", content=data,
                                headers={"Content-Type": "application/octet-stream"}).json()["bytes"])


def _code(resp: httpx.Response) -> str:
    """The hub's machine-readable reason in an error reply (``code``), or "" (a proxy's page has none)."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else ""


def _detail(resp: httpx.Response) -> str:
    """The hub's one-line ``detail``, cut to fit a message, without what the device says anyway."""
    try:
        text = str(resp.json().get("detail", ""))
    except (ValueError, AttributeError):
        return ""
    return text.split("; nothing of this request was stored")[0][:200]


def _describe(err: Exception) -> str:
    text = str(err) or type(err).__name__
    if "Connection refused" in text or isinstance(err, httpx.ConnectError) and "refused" in text.lower():
        return "connection refused"
    if isinstance(err, httpx.TimeoutException):
        return "timed out"
    return text.splitlines()[0][:120]
