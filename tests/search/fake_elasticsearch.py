"""A fake Elasticsearch 8 node over real HTTP, for the real client: the tests that need a
server's answers use it (no cluster exists in the default test run). Faking the server is the
one fake the tests allow themselves; the engine and the client under test are real."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

JSON_TYPE = "application/vnd.elasticsearch+json;compatible-with=8"


@dataclass
class Request:
    method: str
    path: str
    params: dict
    body: object  # parsed JSON, a list of NDJSON lines, or None


def error_body(kind: str, reason: str, status: int, **extra) -> dict:
    cause = {"type": kind, "reason": reason, **extra}
    return {"error": {"root_cause": [cause], **cause}, "status": status}


def missing_index(name: str) -> tuple[int, dict]:
    """Elasticsearch 8's answer for a search of an index or alias that does not exist."""
    return 404, error_body(
        "index_not_found_exception",
        f"no such index [{name}]",
        404,
        **{"resource.type": "index_or_alias", "resource.id": name},
        index_uuid="_na_",
        index=name,
    )


SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


def empty_search_response(body: dict) -> dict:
    """What Elasticsearch answers to `body` when nothing matches (each aggregation empty)."""

    def empty(aggregations):
        found = {}
        for name, definition in (aggregations or {}).items():
            if "terms" in definition:
                found[name] = {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [],
                }
            else:
                found[name] = {"doc_count": 0, **empty(definition.get("aggs"))}
        return found

    response = {
        "took": 2,
        "timed_out": False,
        "_shards": SHARDS,
        "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
    }
    if body.get("aggs"):
        response["aggregations"] = empty(body["aggs"])
    if body.get("suggest"):
        response["suggest"] = {
            name: [{"text": spec["text"], "offset": 0, "length": len(spec["text"]), "options": []}]
            for name, spec in body["suggest"].items()
        }
    return response


class FakeElasticsearch:
    """A small stand-in for one Elasticsearch 8 node over real HTTP, for the real client.

    It records every request, keeps indices (their creation body and documents) and aliases
    as a node does for the index APIs the engine calls (create, delete, refresh, aliases,
    bulk), and answers a search of a missing index or alias with `index_not_found_exception`.
    Searches of an existing one are answered by `search_response(body)` (default: nothing
    matches). `hang` (an Event) makes searches wait for it, up to `hang_seconds`.
    """

    def __init__(self):
        self.requests: list[Request] = []
        self.indices: dict[str, dict] = {}  # name -> {"body": ..., "docs": {id: source}}
        self.aliases: dict[str, set[str]] = {}
        self.search_response = empty_search_response
        self.hang: threading.Event | None = None
        self.hang_seconds = 20
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if "ndjson" in (self.headers.get("Content-Type") or ""):
                    body = [json.loads(line) for line in raw.splitlines() if line.strip()]
                else:
                    body = json.loads(raw) if raw else None
                request = Request(
                    self.command,
                    unquote(url.path),
                    {k: v[-1] for k, v in parse_qs(url.query).items()},
                    body,
                )
                status, answer = fake.answer(request)
                data = b"" if answer is None else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                    self.send_header("Content-Type", JSON_TYPE)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a read timeout)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.hang is not None:
            self.hang.set()
        self.server.shutdown()
        self.server.server_close()

    def requests_for(self, method: str, suffix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    def add_index(self, name: str, alias: str | None = None, docs=None):
        """An index that exists before the test (as if built earlier), behind `alias`."""
        self.indices[name] = {"body": {}, "docs": dict(docs or {})}
        if alias:
            self.aliases.setdefault(alias, set()).add(name)

    def resolve(self, name: str) -> list[str]:
        if name in self.indices:
            return [name]
        return sorted(self.aliases.get(name, ()))

    # The APIs -------------------------------------------------------------------------------

    def answer(self, request: Request) -> tuple[int, dict | None]:
        with self._lock:
            self.requests.append(request)
        parts = [part for part in request.path.split("/") if part]
        method = request.method
        if parts and parts[-1] == "_search":
            return self._search(request, parts[0])
        with self._lock:
            if parts[:1] == ["_alias"] and method in ("HEAD", "GET"):
                return self._get_alias(parts[1], method)
            if parts == ["_aliases"] and method == "POST":
                return self._update_aliases(request.body["actions"])
            if parts == ["_bulk"] and method in ("POST", "PUT"):  # the client sends PUT
                return self._bulk(request.body)
            if len(parts) == 2 and parts[1] == "_refresh":
                if not self.resolve(parts[0]):
                    return missing_index(parts[0])
                return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
            if len(parts) == 1 and method == "PUT":
                return self._create(parts[0], request.body or {})
            if len(parts) == 1 and method == "DELETE":
                return self._delete(parts[0], request.params)
        return 400, error_body(
            "illegal_argument_exception", f"no fake for {method} {request.path}", 400
        )

    def _search(self, request, target):
        if self.hang is not None:
            self.hang.wait(self.hang_seconds)
        with self._lock:
            if not self.resolve(target):
                return missing_index(target)
        return 200, self.search_response(request.body or {})

    def _get_alias(self, alias, method):
        indices = self.aliases.get(alias)
        if not indices:
            return 404, None if method == "HEAD" else {
                "error": f"alias [{alias}] missing",
                "status": 404,
            }
        return 200, None if method == "HEAD" else {
            name: {"aliases": {alias: {}}} for name in sorted(indices)
        }

    def _update_aliases(self, actions):
        for action in actions:
            ((kind, spec),) = action.items()
            if spec["index"] not in self.indices:
                return missing_index(spec["index"])
        for action in actions:
            ((kind, spec),) = action.items()
            members = self.aliases.setdefault(spec["alias"], set())
            if kind == "add":
                members.add(spec["index"])
            else:
                members.discard(spec["index"])
        return 200, {"acknowledged": True, "errors": False}

    def _create(self, name, body):
        if name in self.indices:
            return 400, error_body(
                "resource_already_exists_exception", f"index [{name}] already exists", 400
            )
        self.indices[name] = {"body": body, "docs": {}}
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _delete(self, name, params):
        if name not in self.indices:
            if params.get("ignore_unavailable") == "true":
                return 200, {"acknowledged": True}
            return missing_index(name)
        del self.indices[name]
        for members in self.aliases.values():
            members.discard(name)
        return 200, {"acknowledged": True}

    def _bulk(self, lines):
        items, position = [], 0
        while position < len(lines):
            ((op, meta),) = lines[position].items()
            position += 1
            target = self.resolve(meta["_index"])
            item = {"_index": target[0] if target else meta["_index"], "_id": meta["_id"]}
            if not target:
                item.update(status=404, error=missing_index(meta["_index"])[1]["error"])
            elif op == "index":
                docs = self.indices[target[0]]["docs"]
                created = meta["_id"] not in docs
                docs[meta["_id"]] = lines[position]
                item.update(
                    result="created" if created else "updated", status=201 if created else 200
                )
            elif op == "delete":
                found = self.indices[target[0]]["docs"].pop(meta["_id"], None)
                item.update(
                    result="deleted" if found else "not_found", status=200 if found else 404
                )
            if op == "index":
                position += 1
            items.append({op: {**item, "_version": 1, "_shards": SHARDS}})
        errors = any("error" in item[op] for item in items for op in item)
        return 200, {"took": 3, "errors": errors, "items": items}
