"""
An Atom feed of a coalition's newest public initiatives: /coalitions/<slug>/initiatives/feed.atom
(and under /cy/ in Welsh). Private initiatives never appear (`Initiative.objects.public()`, the
same gate as the lists); neither do people's names.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from smartplace.coalitions.models import Coalition
from smartplace.initiatives.models import Initiative
from smartplace.initiatives.views import coalition_or_404

#: How many initiatives the feed holds, newest first.
FEED_SIZE = 50


class CoalitionInitiativesFeed(Feed):
    """The newest public initiatives of one coalition, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Coalition:
        return coalition_or_404(slug)

    def title(self, coalition: Coalition) -> str:
        return _("New initiatives in %(coalition)s") % {"coalition": coalition.name}

    def subtitle(self, coalition: Coalition) -> str:
        return _("The newest public initiatives of %(coalition)s, newest first.") % {
            "coalition": coalition.name}

    def link(self, coalition: Coalition) -> str:
        return reverse("coalitions:initiative_list", kwargs={"slug": coalition.slug})

    def feed_url(self, coalition: Coalition) -> str:
        return reverse("coalitions:initiative_feed", kwargs={"slug": coalition.slug})

    def feed_copyright(self, coalition: Coalition) -> str:
        return coalition.licence["name"]

    def items(self, coalition: Coalition):
        return (Initiative.objects.public().filter(coalition=coalition)
                .select_related("coalition").order_by("-created_at", "-pk")[:FEED_SIZE])

    def item_title(self, initiative: Initiative) -> str:
        return initiative.title

    def item_description(self, initiative: Initiative) -> str:
        # Plain text (the feed escapes it): the start of the Markdown description.
        return Truncator(initiative.description).words(60)

    def item_link(self, initiative: Initiative) -> str:
        return initiative.get_absolute_url()

    def item_pubdate(self, initiative: Initiative):
        return initiative.created_at

    def item_updateddate(self, initiative: Initiative):
        return initiative.updated_at
