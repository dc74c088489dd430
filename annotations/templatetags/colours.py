"""Text colour for a background colour, chosen by WCAG contrast: rating colours are the
workspace's own choice, so the words on them must stay readable whatever was picked."""

from django import template

register = template.Library()

BLACK, WHITE = "#000000", "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@register.filter
def ink(background: str) -> str:
    """Black or white, whichever contrasts more with the background (#rrggbb); black for
    anything that is not a #rrggbb colour (the database allows no other)."""
    try:
        return max((BLACK, WHITE), key=lambda text: contrast(background, text))
    except (TypeError, ValueError, IndexError):
        return BLACK
