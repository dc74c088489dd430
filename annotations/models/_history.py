"""django-simple-history's records, with a history manager whose class is made once.

The `history` descriptor builds a new manager class from the queryset class on every
access (Manager.from_queryset runs inspect.getmembers over the QuerySet), and writing a
historical row reads it: about a tenth of the CPU of an annotation POST went there."""

from simple_history.manager import HistoryManager as BaseHistoryManager
from simple_history.models import HistoricalRecords


class HistoryManager(BaseHistoryManager):
    _classes: dict = {}

    @classmethod
    def from_queryset(cls, queryset_class, class_name=None):
        key = (cls, queryset_class, class_name)
        made = cls._classes.get(key)
        if made is None:
            made = cls._classes[key] = super().from_queryset(queryset_class, class_name)
        return made


class History(HistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
