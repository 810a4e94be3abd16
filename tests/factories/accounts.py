import factory
from django.contrib.auth.models import Group

from accounts.models import Structure, User

PASSWORD = "Passw0rdTest"


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = Structure.Kind.OFFERER
    offerer_type = Structure.OffererType.ASSOCIATION
    status = Structure.Status.ACTIVE
    address = "1 place de la Bourse"
    postcode = "33000"
    city = "Bordeaux"
    description = "Une structure de test."

    class Params:
        institute = factory.Trait(kind=Structure.Kind.TRAINING_INSTITUTE, offerer_type="")
        pending = factory.Trait(status=Structure.Status.PENDING)
        refused = factory.Trait(status=Structure.Status.REFUSED)


class UserFactory(factory.django.DjangoModelFactory):
    """A user of a structure; `roles=[Role.…]` puts them in the role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    function = "Chargé de mission"
    phone = "0102030405"
    structure = factory.SubFactory(StructureFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.groups.set(Group.objects.filter(name__in=[role.value for role in extracted]))


# POST data of the sign-up wizard's first step, valid by default.
SIGNUP_STRUCTURE = {
    "offerer_type": "association",
    "name": "Association Santé Jeunes",
    "address": "3 rue des Lilas",
    "postcode": "40000",
    "city": "Mont-de-Marsan",
    "representative_last_name": "Dupont",
    "representative_first_name": "Anne",
    "representative_function": "Présidente",
    "description": "Prévention auprès des jeunes.",
}
