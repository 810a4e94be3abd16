import datetime

import factory
from django.utils import timezone

from offers.models import Discipline, Offer, SiteType, Theme
from tests.factories.accounts import StructureFactory


def today():
    return timezone.localdate()


class OfferFactory(factory.django.DjangoModelFactory):
    """An offer; a draft by default (Wagtail's `live` defaults to True, so it is set explicitly).

    Traits: `published` (live, publication started), `scheduled` (approved, start in the future),
    `expired` (caduque: publication end passed).
    """

    class Meta:
        model = Offer
        # The `expired` trait would clash with the model's `expired` field.
        rename = {"is_expired": "expired"}

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
        expired = factory.Trait(
            live=False,
            is_expired=True,
            has_unpublished_changes=False,
            first_published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=120)),
            publication_start=factory.LazyFunction(lambda: today() - datetime.timedelta(days=120)),
            publication_end=factory.LazyFunction(lambda: today() - datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def disciplines(self, create, extracted, **kwargs):
        if create and extracted:
            self.disciplines.set(extracted)
            self.save()


def discipline(name="Soins infirmiers"):
    return Discipline.objects.get(name=name)


def offer_form_data(**overrides):
    """POST data of the admin offer form (four tabs, no document), valid by default."""
    data = {
        "name": "Ateliers nutrition au collège",
        "description": "Animation d'ateliers sur l'alimentation.",
        "theme": Theme.objects.order_by("pk").first().pk,
        "host_name": "Collège Montaigne",
        "address": "1 rue du Collège",
        "postcode": "33000",
        "city": "Bordeaux",
        "site_type": SiteType.objects.order_by("pk").first().pk,
        "referent_name": "Jeanne Référente",
        "referent_email": "referente@example.org",
        "referent_phone": "0556000000",
        "application_email": "candidatures@example.org",
        "modalities": "Les lundis.",
        "period_kind": Offer.PeriodKind.CONTINUOUS,
        "hosting_range": "9h-12h",
        "period_start": "",
        "period_end": "",
        "student_count": "3",
        "required_documents": "",
        "support_options": "",
        "publication_start": today().isoformat(),
        "publication_end": (today() + datetime.timedelta(days=90)).isoformat(),
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
