"""Demo availability periods: the current and next months, several institutes and disciplines."""

import datetime
import random

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Structure, User
from accounts.roles import Role
from calendars.grid import add_months
from calendars.models import AvailabilityPeriod, InstituteProfile, Modality
from offers.models import Discipline

INSTITUTES = {
    "UFR_BORDEAUX": {
        "name": "UFR de Médecine de Bordeaux",
        "address": "146 rue Léo Saignat",
        "postcode": "33000",
        "city": "Bordeaux",
        "description": "Unité de formation et de recherche des sciences médicales de l'université de Bordeaux.",
        "disciplines": ["Médecine", "Pharmacie", "Maïeutique", "Odontologie"],
        "user": ("calendrier.ufr@example.org", "Ulysse", "Fabre", "Responsable de scolarité"),
    },
    "IFMK_LIMOGES": {
        "name": "IFMK de Limoges",
        "address": "39G rue Camille Guérin",
        "postcode": "87000",
        "city": "Limoges",
        "description": "Institut de formation en masso-kinésithérapie du CHU de Limoges.",
        "disciplines": ["Masso-kinésithérapie", "Ergothérapie"],
        "user": ("calendrier.ifmk@example.org", "Inès", "Marchand", "Coordinatrice des stages"),
    },
}
IFSI_DISCIPLINES = ["Soins infirmiers"]

# (institute key, discipline, day offset from the first of the month, length in days, students, modalities, comment)
PERIODS = [
    ("IFSI", "Soins infirmiers", 2, 12, 24, [Modality.CONTINUOUS], "Promotion de 2e année, groupe A."),
    ("IFSI", "Soins infirmiers", 16, 20, 18, [Modality.SPLIT, Modality.MORNINGS], "Groupe B : matinées uniquement."),
    ("UFR_BORDEAUX", "Médecine", 5, 21, 40, [Modality.CONTINUOUS], "DFGSM 3."),
    ("UFR_BORDEAUX", "Pharmacie", 9, 10, 15, [Modality.AFTERNOONS], ""),
    ("UFR_BORDEAUX", "Maïeutique", 20, 15, 8, [Modality.SPLIT], "Deux demi-journées par semaine."),
    ("IFMK_LIMOGES", "Masso-kinésithérapie", 0, 14, 12, [Modality.CONTINUOUS, Modality.MORNINGS], ""),
    ("IFMK_LIMOGES", "Ergothérapie", 12, 9, 6, [Modality.SPLIT, Modality.AFTERNOONS], "Après-midi libérés."),
]


def _discipline(name):
    return Discipline.objects.filter(name__iexact=name).first() or Discipline.objects.order_by("pk").first()


def _institute(key, fields):
    fields = dict(fields)
    disciplines = fields.pop("disciplines")
    email, first_name, last_name, function = fields.pop("user")
    structure, _created = Structure.objects.get_or_create(
        name=fields.pop("name"),
        defaults={**fields, "kind": Structure.Kind.TRAINING_INSTITUTE, "status": Structure.Status.ACTIVE},
    )
    if not structure.users.exists() and not User.objects.filter(email=email).exists():
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            function=function,
            phone="05 55 00 00 00",
            structure=structure,
        )
        user.groups.set(Group.objects.filter(name=Role.CALENDAR_MANAGER.value))
    _profile(structure, disciplines)
    return structure


def _profile(structure, discipline_names):
    profile, created = InstituteProfile.objects.get_or_create(structure=structure)
    if created:
        profile.disciplines.set(Discipline.objects.filter(name__in=discipline_names))
    return profile


def build(structures, users):
    """Idempotent: two more institutes, and their periods over the current and next months."""
    institutes = {key: _institute(key, fields) for key, fields in INSTITUTES.items()}
    if ifsi := structures.get("IFSI"):
        institutes["IFSI"] = ifsi
        _profile(ifsi, IFSI_DISCIPLINES)
    this_month = timezone.localdate().replace(day=1)
    created = []
    for month in (this_month, add_months(this_month, 1)):
        for key, discipline_name, offset, length, students, modalities, comment in PERIODS:
            if key not in institutes:
                continue
            start = month + datetime.timedelta(days=offset)
            period, was_created = AvailabilityPeriod.objects.get_or_create(
                institute=institutes[key],
                discipline=_discipline(discipline_name),
                start=start,
                defaults={
                    "end": start + datetime.timedelta(days=length - 1),
                    "student_count": students,
                    "modalities": [str(value) for value in modalities],
                    "comment": comment,
                },
            )
            if was_created:
                created.append(period)
    return created


def generate(count, seed=2026):
    """Bulk-insert `count` periods around the current month (benchmarks, query-count tests)."""
    rng = random.Random(seed)
    institutes = list(Structure.objects.institutes())
    if not institutes:
        institutes = [
            Structure.objects.create(
                name="Institut de formation (généré)",
                kind=Structure.Kind.TRAINING_INSTITUTE,
                status=Structure.Status.ACTIVE,
                postcode="33000",
                city="Bordeaux",
            )
        ]
    disciplines = list(Discipline.objects.all())
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=15)
    modalities = [str(value) for value in Modality.values]
    periods = []
    for _index in range(count):
        start = first + datetime.timedelta(days=rng.randrange(0, 60))
        periods.append(
            AvailabilityPeriod(
                institute=rng.choice(institutes),
                discipline=rng.choice(disciplines),
                student_count=rng.randint(1, 60),
                start=start,
                end=start + datetime.timedelta(days=rng.randrange(0, 42)),
                modalities=rng.sample(modalities, rng.randint(1, 2)),
            )
        )
    AvailabilityPeriod.objects.bulk_create(periods, batch_size=1000)
    return count
