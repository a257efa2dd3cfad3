from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def cache_table_ensure(*, using: str = "default", **kwargs) -> None:
    """`post_migrate` receiver: make the database cache's table when the cache is one
    (settings.CACHES); nothing for other caches or when the table exists."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "smartplace.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        post_migrate.connect(cache_table_ensure, sender=self,
                             dispatch_uid="smartplace.core.cache_table_ensure")
