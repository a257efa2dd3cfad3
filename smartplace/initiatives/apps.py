from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, pre_delete


class InitiativesConfig(AppConfig):
    name = "smartplace.initiatives"
    label = "initiatives"

    def ready(self):
        from smartplace.initiatives import history
        from smartplace.initiatives.search import fts_ensure_after_migrate

        # SQLite drops a table's triggers when a migration remakes it: put the search ones back.
        post_migrate.connect(fts_ensure_after_migrate, sender=self,
                             dispatch_uid="initiatives_fts_ensure")
        # Deleting what initiatives link to changes them without a save: record it.
        for label in history.ON_DELETE:
            model = apps.get_model(label)
            pre_delete.connect(history.unlinking_noted, sender=model,
                               dispatch_uid=f"initiatives_unlinking_noted_{label}")
            post_delete.connect(history.unlinking_recorded, sender=model,
                                dispatch_uid=f"initiatives_unlinking_recorded_{label}")
