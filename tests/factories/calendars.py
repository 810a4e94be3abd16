import datetime

import factory
from django.utils import timezone

from calendars.models import AvailabilityPeriod, Modality
from offers.models import Discipline
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
