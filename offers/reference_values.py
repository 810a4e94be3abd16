"""The reference lists' initial values (DESIGN.md); the regional administrator edits them afterwards."""

DISCIPLINES = [
    "Médecine", "Pharmacie", "Maïeutique", "Odontologie", "Soins infirmiers", "Masso-kinésithérapie",
    "Ergothérapie", "Orthophonie", "Psychomotricité", "Diététique", "Audioprothèse",
    "Pédicurie-podologie", "Manipulation d'électroradiologie médicale",
]  # fmt: skip

THEMES = [
    "Alimentation", "Activité physique", "Addictions", "Santé sexuelle et vie affective", "Vaccination",
    "Santé bucco-dentaire", "Sommeil", "Écrans", "Hygiène", "Gestes qui sauvent", "Dépistage",
]  # fmt: skip

SITE_TYPES = [
    "Établissement scolaire – primaire", "Établissement scolaire – secondaire",
    "Établissement scolaire – supérieur", "Association", "Établissement médico-social / EHPAD",
    "Établissement de santé", "Crèche", "Maison de santé", "Centre d'hébergement", "Entreprise",
    "Lieu de privation de liberté", "Collectivité",
]  # fmt: skip
