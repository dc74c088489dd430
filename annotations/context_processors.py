from annotations.permissions import notifications_for


def unread_notifications(request):
    """The counter in the page header: one COUNT query, only for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: notifications_for(user).filter(read_at=None).count()}


def live(request):
    """How the page hears of colleagues' work: an event stream where an ASGI server
    serves it, else polling (a WSGI server, such as development's runserver, would hold
    a worker per open stream)."""
    served_by_wsgi = "wsgi.version" in getattr(request, "META", {})
    return {"live_mode": "poll" if served_by_wsgi else "stream"}
