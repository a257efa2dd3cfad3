from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "smartplace.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        # Overlaps: a new or changed initiative (or its sub-domains), or an import, queues the
        # update of its similar pairs once the transaction commits (insights/overlap_updates.py).
        from django.db.models.signals import m2m_changed, post_save

        from smartplace.initiatives.models import Initiative
        from smartplace.initiatives.signals import initiatives_imported
        from smartplace.insights import overlap_updates

        post_save.connect(overlap_updates.on_initiative_saved, sender=Initiative,
                          dispatch_uid="insights_overlaps_initiative_saved")
        m2m_changed.connect(overlap_updates.on_subdomains_changed,
                            sender=Initiative.subdomains.through,
                            dispatch_uid="insights_overlaps_subdomains_changed")
        initiatives_imported.connect(overlap_updates.on_initiatives_imported,
                                     dispatch_uid="insights_overlaps_initiatives_imported")
