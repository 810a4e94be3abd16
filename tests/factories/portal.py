"""Offers for the public portal's tests.

`tests.factories.offers.OfferFactory` cannot be imported on this branch: its `expired` trait
sets the model field of the same name, which factory_boy reports as a cyclic definition. Until
that shared factory is fixed, the portal tests use this one: same defaults, traits `published`,
`scheduled` (validated, publication start in the future) and `withdrawn` (caduque).
"""

import datetime

import factory
from django.utils import timezone

from offers.models import Offer, SiteType, Theme
from tests.factories.accounts import StructureFactory


def today():
    return timezone.localdate()


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    name = factory.Sequence(lambda n: f"Atelier prévention n°{n}")
    description = "Animation d'ateliers de prévention auprès d'un public scolaire."
    theme = factory.LazyFunction(lambda: Theme.objects.order_by("pk").first())
    structure = factory.SubFactory(StructureFactory)
    host_name = factory.SelfAttribute("structure.name")
    address = "10 cours de l'Intendance"
    postcode = "33000"
    city = "Bordeaux"
    site_type = factory.LazyFunction(lambda: SiteType.objects.order_by("pk").first())
    referent_name = "Jeanne Référente"
    referent_email = "referente@example.org"
    referent_phone = "0556000000"
    application_email = "candidatures@example.org"
    modalities = "Tous les lundis entre mai et juin."
    period_kind = Offer.PeriodKind.CONTINUOUS
    hosting_range = "9h-17h"
    period_start = factory.LazyFunction(lambda: today() + datetime.timedelta(days=60))
    period_end = factory.LazyFunction(lambda: today() + datetime.timedelta(days=102))
    publication_start = factory.LazyFunction(today)
    publication_end = factory.LazyFunction(lambda: today() + datetime.timedelta(days=90))
    live = False
    has_unpublished_changes = True

    class Params:
        published = factory.Trait(
            live=True,
            has_unpublished_changes=False,
            first_published_at=factory.LazyFunction(timezone.now),
            last_published_at=factory.LazyFunction(timezone.now),
        )
        scheduled = factory.Trait(
            publication_start=factory.LazyFunction(lambda: today() + datetime.timedelta(days=10)),
            go_live_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10)),
        )
        withdrawn = factory.Trait(
            live=False,
            expired=True,
            has_unpublished_changes=False,
            first_published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=120)),
            last_published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=120)),
            publication_start=factory.LazyFunction(lambda: today() - datetime.timedelta(days=120)),
            publication_end=factory.LazyFunction(lambda: today() - datetime.timedelta(days=1)),
        )
