from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Fact-checking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # search imports the models, so it can only be loaded once they are; the models'
        # save() then writes search columns through the indexer registered here.
        from annotations import search
        from annotations.models._indexing import register_indexer

        register_indexer(search.indexed_save)
        # Webhooks hear the committed events they deliver (the live bus hears them by
        # LISTEN: a trigger NOTIFYs every event at its commit).
        from annotations import live, webhooks  # noqa: F401
