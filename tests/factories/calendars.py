import datetime

import factory
from django.utils import timezone

from calendars.models import AvailabilityPeriod, Modality
from offers.models import Discipline, Offer, SiteType, Theme
from tests.factories.accounts import StructureFactory


class AvailabilityPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityPeriod

    institute = factory.SubFactory(StructureFactory, institute=True)
    discipline = factory.LazyFunction(lambda: Discipline.objects.get(name="Soins infirmiers"))
    student_count = 12
    start = factory.LazyFunction(lambda: timezone.localdate().replace(day=3))
    end = factory.LazyAttribute(lambda period: period.start + datetime.timedelta(days=9))
    modalities = factory.LazyFunction(lambda: [Modality.CONTINUOUS.value])
    comment = "Promotion de deuxième année."


def make_offer(*, structure=None, published=False, disciplines=(), **fields):
    """An offer with the fields the matching reads. (tests.factories.offers.OfferFactory cannot be
    imported on this branch: its `expired` trait is a cyclic definition for factory_boy.)"""
    values = {
        "name": "Atelier prévention",
        "description": "Ateliers de prévention en milieu scolaire.",
        "theme": Theme.objects.order_by("pk").first(),
        "structure": structure or StructureFactory(),
        "host_name": "Collège",
        "address": "10 cours de l'Intendance",
        "postcode": "33000",
        "city": "Bordeaux",
        "site_type": SiteType.objects.order_by("pk").first(),
        "referent_name": "Jeanne Référente",
        "referent_email": "referente@example.org",
        "application_email": "candidatures@example.org",
        "live": published,
        "has_unpublished_changes": not published,
        "first_published_at": timezone.now() if published else None,
        **fields,
    }
    offer = Offer.objects.create(**values)
    if disciplines:
        offer.disciplines.set(disciplines)
        offer.save()
    return offer
