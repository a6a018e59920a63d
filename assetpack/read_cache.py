"""Within one scan, the same read is sent to AWS once.

A scan's checks, guards and dry-run plans ask AWS the same questions: three S3
checks read each bucket's public access block, a guard reads the bucket website
the listing already read, a plan journals the bucket policy a filter just read.
:class:`ReadCache` sits on the scan's shared sessions (botocore events): a read
(``Describe*``, ``Get*``, ``List*`` ...) whose exact request was answered before
is answered again from memory, a deep copy each time, errors such as
``NoSuchBucketPolicy`` included; throttling and server errors never are.

Any other call (a write, or anything that may change state) empties the cache,
and a read that was in flight during such a call is not kept, so after a
remediation every check reads AWS afresh, as it would without the cache. A
dry-run scan makes no such call.
"""

from __future__ import annotations

import copy
import threading

from botocore.awsrequest import AWSResponse

# Operations answered from the cache when asked again; every other call empties it,
# except that a report being generated (IAM's credential report) can change only
# what its own service answers.
READS = ("Describe", "Get", "List", "BatchGet", "Lookup", "Search", "Head")
OWN_SERVICE_ONLY = ("Generate",)
_NOT_KEPT = ("Throttl", "TooManyRequests", "RequestLimitExceeded", "SlowDown",
             "RequestTimeout", "ServiceUnavailable", "InternalError")
_KEY, _GEN = "assetpack_read_key", "assetpack_read_generation"


def _error_code(parsed: dict) -> str:
    return str((parsed.get("Error") or {}).get("Code", ""))


class ReadCache:
    """Answers repeated reads of a scan from memory until its first other call."""

    def __init__(self) -> None:
        self._answers: dict[tuple, tuple[int, dict, dict]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self.hits = 0

    def attach(self, session) -> None:
        # First among the generic handlers, so a hit is not counted as a call.
        session.events.register_first("before-call", self._before,
                                      unique_id="assetpack-read-cache")
        session.events.register("after-call", self._after,
                                unique_id="assetpack-read-cache-keep")

    def _before(self, model, params, context, **_):
        service = model.service_model.service_name
        if not model.name.startswith(READS) or model.has_streaming_output:
            with self._lock:
                if model.name.startswith(OWN_SERVICE_ONLY):
                    self._answers = {k: v for k, v in self._answers.items() if k[0] != service}
                else:
                    self._answers.clear()
                self._generation += 1
            return None
        key = (service, model.name, params.get("method"),
               params.get("url"), _body(params.get("body")))
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                context[_KEY], context[_GEN] = key, self._generation
                return None
            self.hits += 1
        status, headers, parsed = found
        return AWSResponse(params.get("url"), status, headers, None), copy.deepcopy(parsed)

    def _after(self, http_response, parsed, context, **_):
        key = context.pop(_KEY, None)
        if key is None or http_response.status_code >= 500 or \
                http_response.status_code == 429 or _error_code(parsed).startswith(_NOT_KEPT):
            return
        kept = (http_response.status_code, dict(http_response.headers), copy.deepcopy(parsed))
        with self._lock:
            if context.get(_GEN) == self._generation:  # nothing changed while it was asked
                self._answers[key] = kept


def _body(body) -> bytes | str | tuple:
    if isinstance(body, dict):
        return tuple(sorted((k, str(v)) for k, v in body.items()))
    return body or b""
