"""Text of the demo's editorial pages, written for this portal (the regional administrator edits them)."""

HOME_INTRO = (
    "<p>Le Portail SSES recense les offres des structures qui accueillent les étudiants en santé "
    "pendant leur service sanitaire, et partage le calendrier de disponibilité des étudiants des "
    "universités et instituts de formation.</p>"
    "<p>Les offres publiées sont consultables librement, sans identification.</p>"
)

OFFERS_INTRO = (
    "<p>Retrouvez les offres d'accueil publiées par les structures : écoles, associations, "
    "établissements de santé et médico-sociaux, collectivités… Filtrez-les par thématique, département ou "
    "type de terrain, puis contactez la structure à l'adresse indiquée pour candidater.</p>"
)

DOCUMENTATION_INTRO = (
    "Ce guide explique comment créer un compte offreur, publier des offres, gérer les utilisateurs de "
    "votre structure et consulter le calendrier des étudiants."
)

DOCUMENTATION_CHAPTERS = [
    {
        "slug": "creer-un-compte-offreur",
        "title": "Créer un compte offreur",
        "intro": "Inscrire votre structure pour publier des offres d'accueil.",
        "body": [
            (
                "paragraph",
                "<p>Depuis la page d'accueil, choisissez <b>Créer un compte offreur</b>. "
                "L'inscription se fait en deux étapes.</p>",
            ),
            ("heading", "Étape 1 : votre structure"),
            (
                "paragraph",
                "<ul><li>Type d'offreur, raison sociale et adresse ;</li>"
                "<li>nom, prénom et fonction du représentant légal ;</li>"
                "<li>une description de la structure ;</li><li>son logo (facultatif).</li></ul>"
                "<p>La raison sociale, l'adresse, la description et le logo sont affichés sur le portail "
                "avec vos offres.</p>",
            ),
            ("heading", "Étape 2 : l'administrateur du compte"),
            (
                "paragraph",
                "<p>Indiquez vos prénom, nom, fonction, adresse électronique et téléphone. "
                "Vous pouvez revenir à l'étape 1 sans perdre votre saisie.</p>"
                "<p>Une adresse électronique ne peut servir qu'à un seul compte.</p>",
            ),
            ("heading", "Après l'envoi"),
            (
                "paragraph",
                "<p>Votre demande est examinée par l'administrateur régional. Une fois votre "
                "compte validé, vous recevez par courriel votre identifiant et un mot de passe provisoire, "
                "que vous devrez changer à la première connexion. En cas de refus, le courriel en indique "
                "le motif.</p>",
            ),
        ],
    },
    {
        "slug": "interface-principale",
        "title": "L'interface principale",
        "intro": "Se repérer dans l'espace offreur.",
        "body": [
            (
                "paragraph",
                "<p>Après connexion, le <b>tableau de bord</b> affiche le nombre d'offres de "
                "votre structure par état (brouillon, à valider, validée, publiée, caduque) et le nombre "
                "d'utilisateurs rattachés.</p>",
            ),
            (
                "paragraph",
                "<ul><li><b>Offres</b> : toutes les offres de la structure, quel que soit leur "
                "état ;</li><li><b>Calendrier</b> : les disponibilités des étudiants déclarées par les "
                "instituts et universités ;</li><li><b>Mon compte</b> : les informations de votre "
                "structure ;</li><li><b>Utilisateurs</b> : les comptes de votre structure (administrateurs "
                "offreurs) ;</li><li>votre nom, en haut de l'écran : votre profil et votre mot de passe.</li>"
                "</ul>",
            ),
        ],
    },
    {
        "slug": "creer-une-offre",
        "title": "Créer et modifier une offre",
        "intro": "Les quatre étapes du formulaire d'offre (rôle Gestionnaire d'offres).",
        "body": [
            (
                "paragraph",
                "<p>Dans <b>Offres</b>, choisissez <b>Ajouter une offre</b>. Le formulaire "
                "comporte quatre onglets ; vous pouvez enregistrer un brouillon à tout moment et y revenir "
                "plus tard.</p>",
            ),
            ("heading", "1. Description"),
            (
                "paragraph",
                "<p>Nom de l'offre, description, thématique, structure d'accueil, adresse, type "
                "de terrain d'exercice, référent de l'offre et adresse électronique pour candidater.</p>",
            ),
            ("heading", "2. Modalités"),
            (
                "paragraph",
                "<p>Modalités de prise en charge (par exemple : tous les lundis entre mai et "
                "juin), période fractionnée, continue ou les deux, plage d'accueil, début et fin de "
                "période.</p>",
            ),
            ("heading", "3. Compléments"),
            (
                "paragraph",
                "<p>Documents à fournir pour candidater (un par ligne), options de prise en "
                "charge, et documents utiles à télécharger.</p>",
            ),
            ("heading", "4. Publication"),
            (
                "paragraph",
                "<p>Dates de début et de fin de publication. La date de début ne peut pas être "
                "antérieure à la date du jour ; les dates restent modifiables pendant la publication.</p>"
                "<p>Attention : ne saisissez pas de données personnelles dans les zones de texte libre.</p>",
            ),
        ],
    },
    {
        "slug": "publier-une-offre",
        "title": "Valider et publier une offre",
        "intro": "Demander la validation, valider, arrêter, prolonger ou renouveler une publication.",
        "body": [
            (
                "paragraph",
                "<p>Quand une offre est prête, le gestionnaire <b>demande sa validation</b>. "
                "Les valideurs de la structure reçoivent un courriel et la retrouvent en tête de leur liste "
                "d'offres. Un utilisateur à la fois gestionnaire et valideur publie directement.</p>",
            ),
            (
                "paragraph",
                "<p>Le valideur peut modifier l'offre, demander des corrections (avec un "
                "commentaire envoyé à l'auteur) ou la valider. L'offre est alors :</p>"
                "<ul><li><b>Validée</b> si la date de début de publication est à venir ;</li>"
                "<li><b>Publiée</b> si elle est atteinte ;</li>"
                "<li><b>Caduque</b> une fois la date de fin dépassée ou la publication arrêtée.</li></ul>",
            ),
            (
                "paragraph",
                "<p>Pour arrêter, prolonger ou renouveler une publication, modifiez les dates de "
                "l'onglet Publication. Une offre caduque n'est jamais supprimée : elle peut être "
                "republiée.</p>",
            ),
        ],
    },
    {
        "slug": "consulter-les-offres",
        "title": "Consulter et exporter les offres",
        "intro": "Filtrer, exporter et télécharger les offres en PDF.",
        "body": [
            (
                "paragraph",
                "<p>La liste des offres se filtre par structure, type de terrain, département, "
                "thématique et état, et se trie par colonne. Le résultat s'exporte en CSV ou en tableur. "
                "Chaque offre se télécharge en fiche PDF.</p>",
            ),
        ],
    },
    {
        "slug": "calendrier",
        "title": "Consulter le calendrier des étudiants",
        "intro": "Les disponibilités déclarées par les universités et instituts.",
        "body": [
            (
                "paragraph",
                "<p>Le <b>Calendrier</b> présente, mois par mois, une ligne par institut et "
                "discipline, avec les périodes de disponibilité et le nombre d'étudiants. Survolez ou "
                "sélectionnez une période pour voir ses modalités (en continu, en fractionné, matins, "
                "après-midi…). Les filtres discipline, institut et département et les boutons mois "
                "précédent / suivant permettent de naviguer.</p>",
            ),
        ],
    },
    {
        "slug": "gerer-les-utilisateurs",
        "title": "Gérer les utilisateurs et les rôles",
        "intro": "Créer des comptes pour votre structure et choisir leurs permissions.",
        "body": [
            (
                "paragraph",
                "<p>L'administrateur offreur crée les comptes de sa structure : prénom, nom, "
                "fonction, téléphone, adresse électronique et un ou plusieurs rôles. Le nouvel utilisateur "
                "reçoit un mot de passe provisoire par courriel. Le nom, le prénom et l'adresse ne sont plus "
                "modifiables ensuite.</p>",
            ),
            ("heading", "Les rôles (cumulables)"),
            (
                "paragraph",
                "<ul><li><b>Administrateur offreur</b> : modifie la structure et gère ses "
                "utilisateurs ;</li><li><b>Gestionnaire d'offres</b> : crée et modifie les offres, supprime "
                "les brouillons ;</li><li><b>Valideur d'offres</b> : modifie, supprime et publie les "
                "offres ;</li><li><b>Consultation</b> : consulte les offres.</li></ul>",
            ),
            ("heading", "Trois façons de s'organiser"),
            (
                "paragraph",
                "<ol><li>Une tête de réseau valide toutes les offres : ses établissements "
                "reçoivent le seul rôle Gestionnaire.</li><li>Chaque établissement crée son propre compte "
                "offreur et publie en autonomie.</li><li>Solution intermédiaire : la tête de réseau donne à "
                "ses établissements les rôles Gestionnaire et Valideur.</li></ol>"
                "<p>Un compte peut être gelé ; il devient inactif sans connexion pendant 15 mois.</p>",
            ),
        ],
    },
    {
        "slug": "mon-compte",
        "title": "Modifier son compte",
        "intro": "Mettre à jour votre structure et votre profil.",
        "body": [
            (
                "paragraph",
                "<p><b>Mon compte</b> permet à l'administrateur offreur de modifier la raison "
                "sociale, l'adresse, le représentant, la description et le logo de la structure.</p>"
                "<p>Chacun modifie, depuis son nom en haut de l'écran, son mot de passe, sa fonction et son "
                "téléphone. Le mot de passe compte de 8 à 30 caractères, dont une minuscule, une majuscule "
                "et un chiffre.</p>",
            ),
        ],
    },
]

CONTENT_PAGES = [
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "body": [
            (
                "paragraph",
                "<p>Éditeur : Agence régionale de santé. Directeur de la publication : le "
                "directeur général de l'agence.</p><p>Hébergement : hébergeur de l'agence, en France.</p>"
                "<p>Sauf mention contraire, les contenus sont publiés sous Licence Ouverte 2.0.</p>",
            ),
        ],
    },
    {
        "slug": "accessibilite",
        "title": "Accessibilité",
        "body": [
            (
                "paragraph",
                "<p>L'agence s'engage à rendre ce portail accessible conformément à l'article 47 "
                "de la loi n° 2005-102 du 11 février 2005.</p>",
            ),
            ("heading", "État de conformité"),
            (
                "paragraph",
                "<p>Le Portail SSES est <b>partiellement conforme</b> avec le référentiel "
                "général d'amélioration de l'accessibilité (RGAA), version 4.1 : un audit complet reste à "
                "mener.</p>",
            ),
            ("heading", "Retour d'information et contact"),
            (
                "paragraph",
                "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez "
                "l'administrateur régional pour être orienté vers une alternative accessible.</p>",
            ),
            ("heading", "Voies de recours"),
            (
                "paragraph",
                "<p>Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un "
                "contenu et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir le "
                "Défenseur des droits.</p>",
            ),
        ],
    },
    {
        "slug": "donnees-personnelles",
        "title": "Données personnelles",
        "body": [
            (
                "paragraph",
                "<p>Le portail traite les données des utilisateurs des structures (nom, prénom, "
                "fonction, adresse électronique, téléphone) pour gérer leurs comptes et les offres, sur le "
                "fondement de la mission de service public de l'agence.</p>",
            ),
            ("paragraph", "<p>Les visiteurs qui s'abonnent aux alertes donnent seulement leur adresse "
             "électronique et les filtres choisis ; l'alerte et l'adresse sont supprimées au désabonnement "
             "(lien dans chaque courriel), ou après 7 jours si l'abonnement n'a pas été confirmé.</p>"),
            ("heading", "Durée de conservation"),
            (
                "paragraph",
                "<p>Un compte sans connexion depuis 15 mois devient inactif et son titulaire en "
                "est averti ; après 24 mois sans connexion, ses données personnelles sont anonymisées. Les "
                "offres sont conservées.</p>",
            ),
            ("heading", "Vos droits"),
            (
                "paragraph",
                "<p>Vous disposez d'un droit d'accès, de rectification et d'effacement de vos "
                "données. Vous pouvez télécharger vos données depuis votre profil et contacter le délégué à "
                "la protection des données de l'agence.</p>",
            ),
        ],
    },
]
