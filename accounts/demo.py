"""Demo structures and users (password DEMO_PASSWORD, no forced change)."""

from django.contrib.auth.models import Group

from accounts.models import Structure, User
from accounts.roles import Role

DEMO_PASSWORD = "DemoSses2026"

STRUCTURES = {
    "A": {
        "name": "Association Prévention Santé Gironde",
        "kind": Structure.Kind.OFFERER,
        "offerer_type": Structure.OffererType.ASSOCIATION,
        "status": Structure.Status.ACTIVE,
        "address": "12 rue Sainte-Catherine",
        "postcode": "33000",
        "city": "Bordeaux",
        "representative_last_name": "Lafitte",
        "representative_first_name": "Hélène",
        "representative_function": "Présidente",
        "description": "Association d'éducation pour la santé en Gironde : ateliers en milieu scolaire, "
        "actions de prévention auprès des jeunes et des publics précaires.",
    },
    "B": {
        "name": "Centre Hospitalier de Périgueux",
        "kind": Structure.Kind.OFFERER,
        "offerer_type": Structure.OffererType.HEALTH_ESTABLISHMENT,
        "status": Structure.Status.ACTIVE,
        "address": "80 avenue Georges Pompidou",
        "postcode": "24000",
        "city": "Périgueux",
        "representative_last_name": "Moreau",
        "representative_first_name": "Philippe",
        "representative_function": "Directeur",
        "description": "Établissement public de santé de la Dordogne ; son service de santé publique "
        "accueille des étudiants pour des actions de prévention auprès des patients et des familles.",
    },
    "IFSI": {
        "name": "IFSI de Bordeaux",
        "kind": Structure.Kind.TRAINING_INSTITUTE,
        "status": Structure.Status.ACTIVE,
        "address": "Place Amélie Raba-Léon",
        "postcode": "33000",
        "city": "Bordeaux",
        "description": "Institut de formation en soins infirmiers du CHU de Bordeaux.",
    },
    "PENDING": {
        "name": "Collège Jean Moulin",
        "kind": Structure.Kind.OFFERER,
        "offerer_type": Structure.OffererType.SCHOOL,
        "status": Structure.Status.PENDING,
        "address": "5 allée des Écoles",
        "postcode": "47000",
        "city": "Agen",
        "representative_last_name": "Durand",
        "representative_first_name": "Claire",
        "representative_function": "Principale",
        "description": "Collège public de 600 élèves, souhaite accueillir des étudiants pour des ateliers "
        "sur le sommeil et les écrans.",
    },
    "REFUSED": {
        "name": "Société Bien-Être Express",
        "kind": Structure.Kind.OFFERER,
        "offerer_type": Structure.OffererType.COMPANY,
        "status": Structure.Status.REFUSED,
        "address": "1 rue du Commerce",
        "postcode": "64000",
        "city": "Pau",
        "description": "Vente de compléments alimentaires.",
        "refusal_reason": "Structure commerciale sans action de prévention : non éligible au service sanitaire.",
    },
}

USERS = [
    ("admin.regional@example.org", "Régine", "Garnier", "Chargée de mission SSES, ARS", None, [Role.REGIONAL_ADMIN]),
    ("admin.a@example.org", "Alice", "Bernard", "Coordinatrice", "A", [Role.OFFERER_ADMIN]),
    ("gestionnaire.a@example.org", "Gaël", "Martin", "Chargé de projets", "A", [Role.OFFER_MANAGER]),
    ("valideur.a@example.org", "Valérie", "Petit", "Directrice", "A", [Role.OFFER_VALIDATOR]),
    ("consultation.a@example.org", "Camille", "Robert", "Bénévole", "A", [Role.OFFER_VIEWER]),
    ("admin.b@example.org", "Bruno", "Richard", "Cadre de santé", "B", [Role.OFFERER_ADMIN]),
    (
        "gestionnaire.b@example.org",
        "Béatrice",
        "Durand",
        "Infirmière de santé publique",
        "B",
        [Role.OFFER_MANAGER, Role.OFFER_VALIDATOR],
    ),
    ("institut@example.org", "Isabelle", "Lefèvre", "Coordinatrice pédagogique", "IFSI", [Role.CALENDAR_MANAGER]),
    # The first users of the pending and refused sign-ups: inactive until validated.
    ("direction.college@example.org", "Claire", "Durand", "Principale", "PENDING", []),
    ("contact.bienetre@example.org", "Marc", "Lenoir", "Gérant", "REFUSED", []),
]


def build():
    structures = {}
    for key, fields in STRUCTURES.items():
        fields = dict(fields)
        structures[key], _created = Structure.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    users = {}
    for email, first_name, last_name, function, structure_key, roles in USERS:
        structure = structures.get(structure_key)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                function=function,
                phone="05 56 00 00 00",
                structure=structure,
                is_active=bool(roles),
            )
            user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        users[email] = user
    return structures, users


def demo_logins():
    """The (e-mail, description) pairs that `make run` prints."""
    labels = []
    for email, _first, _last, _function, structure_key, roles in USERS:
        if not roles:
            continue
        structure = STRUCTURES[structure_key]["name"] if structure_key else "—"
        labels.append((email, f"{' + '.join(role.value for role in roles)} ({structure})"))
    return labels
