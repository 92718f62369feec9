"""The simulated Telegram behind a loopback HTTP server, for a bot running as its own process.

`qiao run` pointed at `base_url` talks to the same `SimTelegram` the in-process tests use,
over real HTTP: getUpdates is held open up to its `timeout` (long polling), and with a
webhook set a delivery thread POSTs each pending update to `deliver_to` with the secret
header, dropping it only after a 2xx and retrying otherwise, as Telegram does. Listens on
127.0.0.1 only. Test code touches the world only inside `with stand_in.world() as sim:`,
which serialises it with the server's threads. See docs/simulated-telegram.md.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from bot.simtelegram.model import JSON
from bot.simtelegram.request import decode_fields
from bot.simtelegram.server import SimTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_HOLD_SECONDS = 30.0
"""The longest a getUpdates is held open, whatever `timeout` it asks for."""


class StandIn:
    """A `SimTelegram` served over HTTP on 127.0.0.1 (a free port unless `port` is given)."""

    def __init__(
        self,
        sim: SimTelegram,
        *,
        port: int = 0,
        deliver_to: str | None = None,
        retry_seconds: float = 0.2,
    ) -> None:
        self.sim = sim
        self.deliver_to = deliver_to
        self.retry_seconds = retry_seconds
        self._changed = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self.deliveries = 0
        """Webhook POSTs answered with a 2xx."""
        self.refused = 0
        """Webhook POSTs that failed (connection refused, a non-2xx answer, a timeout)."""

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The `[telegram] base_url` that points a bot here."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The `[telegram] base_file_url` that points a bot here (downloads answer 404)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> StandIn:
        """Serve (and deliver to the webhook, once one is set) in background threads."""
        serving = threading.Thread(target=self._server.serve_forever, name="standin-http")
        delivering = threading.Thread(target=self._deliver_loop, name="standin-webhook")
        self._threads = [serving, delivering]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and delivering; safe to call twice."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=15)
        self._threads = []

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @contextmanager
    def world(self) -> Iterator[SimTelegram]:
        """The simulated Telegram, held still while the block runs; waiters wake after it."""
        with self._changed:
            yield self.sim
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[SimTelegram], bool], timeout: float) -> bool:
        """Wait until `condition(sim)` holds (checked after every change); False at timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self.sim), timeout=timeout)

    # ---- the Bot API over HTTP ----------------------------------------------------------

    def answer(self, path: str, fields: dict[str, str]) -> tuple[int, bytes] | None:
        """Status and body for one POST, or None to drop the connection (a network fault)."""
        params = decode_fields(fields)
        url = f"http://127.0.0.1:{self.port}{path}"
        with self._changed:
            try:
                status, body = self.sim.handle_params(url, params)
            except Exception:  # a simulated network fault or timeout: no answer at all
                self._changed.notify_all()
                return None
            hold = _hold_seconds(path, params, body)
            if hold > 0:
                self._changed.notify_all()  # the call is recorded: waiters may look now
                self._changed.wait_for(
                    lambda: self.sim.pending_updates > 0 or self._stopping.is_set(),
                    timeout=hold,
                )
                status, body = self.sim.handle_params(url, params)
            self._changed.notify_all()
        return status, body

    # ---- webhook delivery ---------------------------------------------------------------

    def _deliver_loop(self) -> None:
        offset = 0
        while not self._stopping.is_set():
            with self._changed:
                target = self.deliver_to if self.sim.webhook_url else None
                batch = self.sim.webhook_batch(offset, 1) if target else []
                secret = self.sim.webhook_secret
                if not batch or target is None:
                    self._changed.wait(timeout=0.2)
                    continue
            update = batch[0]
            if _post(target, update, secret):
                offset = int(update["update_id"]) + 1
                with self._changed:
                    self.sim.webhook_batch(offset, 0)  # delivered: Telegram forgets it now
                    self.deliveries += 1
                    self._changed.notify_all()
            else:
                self.refused += 1
                self._stopping.wait(self.retry_seconds)


class _Server(ThreadingHTTPServer):
    """Quiet about clients that went away mid-answer (a killed bot does exactly that)."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore broken connections; report anything else as the stdlib does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _hold_seconds(path: str, params: JSON, body: bytes) -> float:
    """How long to hold an empty getUpdates open (0 for anything else)."""
    if not path.endswith("/getUpdates"):
        return 0.0
    timeout = params.get("timeout")
    if not isinstance(timeout, int | float) or timeout <= 0:
        return 0.0
    try:
        result = json.loads(body).get("result")
    except ValueError:
        return 0.0
    return min(float(timeout), MAX_HOLD_SECONDS) if result == [] else 0.0


def _post(url: str, update: JSON, secret: str) -> bool:
    """One webhook delivery; True only for a 2xx answer."""
    data = json.dumps(update, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _handler_for(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Bot API calls as PTB's HTTP client sends them: form fields or JSON in a POST."""

        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            """Answer a Bot API call."""
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = self.headers.get("Content-Type", "")
            if kind.startswith("multipart/"):
                self._reply(400, _error(400, "Bad Request: file uploads are not simulated"))
                return
            try:
                fields = _fields(raw, kind)
            except ValueError:
                self._reply(400, _error(400, "Bad Request: can't parse the request"))
                return
            answer = stand_in.answer(self.path, fields)
            if answer is None:
                self.close_connection = True
                return
            self._reply(*answer)

        def do_GET(self) -> None:
            """Only POST is served (file downloads are not simulated)."""
            self._reply(404, _error(404, "Not Found"))

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the URL holds the bot token."""

    return Handler


def _fields(raw: bytes, kind: str) -> dict[str, str]:
    """Form fields from a urlencoded or JSON body (JSON values re-encoded as Telegram reads)."""
    text = raw.decode("utf-8")
    if kind.startswith("application/json"):
        data = json.loads(text) if text else {}
        if not isinstance(data, dict):
            raise ValueError("a JSON body must be an object")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))


def _error(status: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": status, "description": description}).encode()
