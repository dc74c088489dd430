import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Answer 413 for a request body over the limit, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def too_large(request):
    limit = settings.MAX_UPLOAD_BYTES
    message = (
        f"The request is too large: uploads are limited to {limit:,} bytes "
        f"({limit / 1024 / 1024:.0f} MB)."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class ServerTimingMiddleware:
    """`Server-Timing` on API responses: the time the server spent on the request (`app`,
    wall clock), the CPU time of its thread (`cpu`) and the time and number of its
    database queries (`db`), in milliseconds. A client, or bench/api.py, tells the
    server's share from the network's and its own; a loaded machine shows as app time
    well above cpu plus db."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        queries = _QueryTimer()
        wall, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        app = (time.perf_counter() - wall) * 1000
        cpu = (time.thread_time() - cpu) * 1000
        response["Server-Timing"] = (
            f'app;dur={app:.1f}, cpu;dur={cpu:.1f}, db;dur={queries.ms:.1f};desc="{queries.count}"'
        )
        return response


class _QueryTimer:
    def __init__(self):
        self.count, self.ms = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.ms += (time.perf_counter() - started) * 1000


class SyncChainMiddleware:
    """Last in MIDDLEWARE, synchronous only: under ASGI the whole chain then runs in the
    request's one thread. Without it Django runs the async-capable middleware on the
    event loop, each hook handed to the request's thread and back (two switches per
    middleware, a few milliseconds a request); with it the request switches threads
    three times, whatever the number of middleware. Async views (the live streams) still
    run on the event loop, below this middleware."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
