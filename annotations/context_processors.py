from annotations.permissions import notifications_for


def unread_notifications(request):
    """The counter in the page header: one COUNT query, only for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: notifications_for(user).filter(read_at=None).count()}
