"""Small helpers the page views share: who asked (htmx or a full page load) and links
that keep the list's filters."""


def is_htmx(request) -> bool:
    """Whether htmx asked for this (a fragment), not the browser (a whole page)."""
    return request.headers.get("HX-Request") == "true"


def with_query(request, path=None, **changes) -> str:
    """This page's (or `path`'s) URL with the request's query, `changes` applied; an empty
    value removes its key."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    query = params.urlencode()
    return (path or request.path) + (f"?{query}" if query else "")
