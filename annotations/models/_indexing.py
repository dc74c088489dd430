"""The hook through which search keeps its columns current when a Claim, Annotation or
Verdict is saved.

annotations.search imports the models, so the models cannot import it. Instead search
registers its `indexed_save` here when the app is ready (AnnotationsConfig.ready), and
the models' save() runs inside it: the INSERT or UPDATE is the same single write as
before, carrying match_text and search_vector.
"""

from django.core.exceptions import ImproperlyConfigured

_indexer = None


def register_indexer(indexer) -> None:
    """`indexer(instance, save_kwargs)` returns the context manager a save runs in."""
    global _indexer
    _indexer = indexer


def indexed_save(instance, save_kwargs: dict):
    if _indexer is None:
        # Saving without it would leave search and matching silently stale.
        raise ImproperlyConfigured("No search indexer is registered; is the app ready?")
    return _indexer(instance, save_kwargs)
