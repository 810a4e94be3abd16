"""SQL query counting for the benchmark harness, enabled only by the BENCHMARK_QUERY_COUNT setting."""

from contextlib import ExitStack

from django.db import connections


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Adds an `X-Query-Count` header: the SQL queries run while the response was built.

    Placed first in MIDDLEWARE, it counts the session, authentication and view queries. A streamed
    response (exports) runs further queries while it is sent: those are not in the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with ExitStack() as stack:
            for connection in connections.all(initialized_only=False):
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        return response
