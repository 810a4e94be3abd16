"""Demo offers in every state for structures A and B (real revisions and workflow states), and
`generate(count)`: bulk offers over ~500 generated structures, for benchmarks."""

import datetime
import itertools
import random

from django.db import transaction
from django.utils import timezone

from accounts.departements import DEPARTEMENTS
from accounts.models import Structure
from offers.models import Discipline, Offer, OfferState, SiteType, Theme
from offers.notifications import muted

# (structure key, name, state, theme, site type, days from today to the publication start, duration)
DEMO_OFFERS = [
    ("A", "Ateliers « bien manger » en école élémentaire", OfferState.PUBLISHED, "Alimentation",
     "Établissement scolaire – primaire", -20, 120),
    ("A", "Prévention des conduites addictives au lycée", OfferState.TO_VALIDATE, "Addictions",
     "Établissement scolaire – secondaire", 15, 120),
    ("A", "Sommeil et écrans : interventions au collège", OfferState.VALIDATED, "Sommeil",
     "Établissement scolaire – secondaire", 20, 100),
    ("A", "Vaccination : stand d'information au marché", OfferState.DRAFT, "Vaccination", "Collectivité", 30, 90),
    ("A", "Hygiène des mains en accueil de jour", OfferState.OBSOLETE, "Hygiène", "Centre d'hébergement", -200, 150),
    ("B", "Gestes qui sauvent pour les familles de patients", OfferState.PUBLISHED, "Gestes qui sauvent",
     "Établissement de santé", -10, 150),
    ("B", "Activité physique adaptée en EHPAD", OfferState.TO_VALIDATE, "Activité physique",
     "Établissement médico-social / EHPAD", 10, 120),
    ("B", "Santé bucco-dentaire en service de pédiatrie", OfferState.VALIDATED, "Santé bucco-dentaire",
     "Établissement de santé", 25, 120),
    ("B", "Dépistage et prévention en santé sexuelle", OfferState.DRAFT, "Santé sexuelle et vie affective",
     "Établissement de santé", 40, 90),
    ("B", "Écrans et sommeil : consultation des adolescents", OfferState.OBSOLETE, "Écrans",
     "Établissement de santé", -180, 120),
]  # fmt: skip

AUTHORS = {"A": ("gestionnaire.a@example.org", "valideur.a@example.org"), "B": ("gestionnaire.b@example.org",) * 2}


def _fields(structure, name, theme, site_type, start_in, duration):
    today = timezone.localdate()
    start = today + datetime.timedelta(days=start_in)
    return {
        "name": name,
        "description": f"{name}. Les étudiants du service sanitaire conçoivent et animent des actions de "
        "prévention auprès du public de la structure, encadrés par un référent.",
        "theme": Theme.objects.get(name=theme),
        "structure": structure,
        "host_name": structure.name,
        "address": structure.address,
        "postcode": structure.postcode,
        "city": structure.city,
        "site_type": SiteType.objects.get(name=site_type),
        "referent_name": "Référent de la structure",
        "referent_email": "referent@example.org",
        "referent_phone": "05 56 00 00 00",
        "application_email": "candidatures@example.org",
        "modalities": "Six semaines, deux demi-journées par semaine, préparation en amont avec le référent.",
        "period_kind": Offer.PeriodKind.SPLIT_OR_CONTINUOUS,
        "hosting_range": "Lundi et jeudi, 9 h – 12 h",
        "period_start": start + datetime.timedelta(days=30),
        "period_end": start + datetime.timedelta(days=72),
        "student_count": 4,
        "required_documents": "Attestation de vaccination\nConvention de stage",
        "support_options": "Repas pris en charge le midi.",
        "publication_start": start,
        "publication_end": start + datetime.timedelta(days=duration),
    }


def _create(fields, state, author, validator):
    offer = Offer(live=False, has_unpublished_changes=True, author=author, **fields)
    offer.save()
    offer.disciplines.set(Discipline.objects.filter(name__in=["Soins infirmiers", "Médecine", "Pharmacie"]))
    revision = offer.save_revision(user=author, log_action=True)
    if state in (OfferState.TO_VALIDATE, OfferState.VALIDATED):
        workflow_state = offer.get_workflow().start(offer, author)
        if state == OfferState.VALIDATED:
            task_state = workflow_state.current_task_state
            task_state.task.specific.on_action(task_state, validator, "approve")
    elif state == OfferState.PUBLISHED:
        revision.publish(user=validator, skip_permission_checks=True)
    elif state == OfferState.OBSOLETE:
        revision.publish(user=validator, skip_permission_checks=True)
        offer.refresh_from_db()
        offer.unpublish(set_expired=True, user=validator)
    return offer


@transaction.atomic
def build(structures, users):
    offers = []
    with muted():
        for key, name, state, theme, site_type, start_in, duration in DEMO_OFFERS:
            structure = structures[key]
            existing = Offer.objects.filter(structure=structure, name=name).first()
            if existing is not None:
                offers.append(existing)
                continue
            author_email, validator_email = AUTHORS[key]
            fields = _fields(structure, name, theme, site_type, start_in, duration)
            if state == OfferState.OBSOLETE:
                # Published in the past, then expired: publish with a current end, then move it back.
                offer = _create({**fields, "publication_end": timezone.localdate() + datetime.timedelta(days=5)},
                                state, users[author_email], users[validator_email])  # fmt: skip
                Offer.objects.filter(pk=offer.pk).update(publication_end=fields["publication_end"])
            else:
                offer = _create(fields, state, users[author_email], users[validator_email])
            offers.append(offer)
    return offers


def generate(count, structure_count=500, seed=2026):
    """Bulk-insert `count` offers (about half published) over generated structures, every
    département and thématique. No revisions: fast, for benchmarks of lists and exports."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    departements = [code for code, _name in DEPARTEMENTS]
    existing = Structure.objects.filter(name__startswith="Structure générée ").count()
    new_structures = []
    for index in range(existing, structure_count):
        code = departements[index % len(departements)]
        postcode = {"2A": "20000", "2B": "20200"}.get(code, (code + "000")[:5] if len(code) == 2 else code + "00")
        new_structures.append(
            Structure(
                name=f"Structure générée {index:04d}",
                kind=Structure.Kind.OFFERER,
                offerer_type=Structure.OffererType.ASSOCIATION,
                status=Structure.Status.ACTIVE,
                address=f"{index} rue de la Santé",
                postcode=postcode,
                city="Ville",
                department=code,
            )
        )
    Structure.objects.bulk_create(new_structures, batch_size=1000)
    structures = list(Structure.objects.filter(name__startswith="Structure générée ").order_by("pk"))
    themes, site_types = list(Theme.objects.all()), list(SiteType.objects.all())
    theme_cycle, site_cycle = itertools.cycle(themes), itertools.cycle(site_types)
    batch = []
    for index in range(count):
        structure = structures[index % len(structures)]
        published = index % 2 == 0
        start = (
            today - datetime.timedelta(days=rng.randint(0, 60))
            if published
            else today + datetime.timedelta(days=rng.randint(1, 60))
        )
        end = start + datetime.timedelta(days=rng.randint(60, 200))
        offer = Offer(
            name=f"Offre générée n°{index}",
            description="Action de prévention menée par des étudiants du service sanitaire.",
            theme=next(theme_cycle),
            structure=structure,
            host_name=structure.name,
            address=structure.address,
            postcode=structure.postcode,
            city=structure.city,
            department=structure.department,
            site_type=next(site_cycle),
            referent_name="Référent",
            referent_email="referent@example.org",
            application_email="candidatures@example.org",
            publication_start=start,
            publication_end=end,
            live=published,
            has_unpublished_changes=not published,
            first_published_at=now if published else None,
            last_published_at=now if published else None,
        )
        offer.sync_schedule()
        if published:
            offer.go_live_at = None
        batch.append(offer)
        if len(batch) >= 2000:
            Offer.objects.bulk_create(batch)
            batch = []
    if batch:
        Offer.objects.bulk_create(batch)
    return count
