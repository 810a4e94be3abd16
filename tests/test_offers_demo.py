import time

import pytest

from accounts import demo as accounts_demo
from offers import demo as offers_demo
from offers.models import Offer, OfferState

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_in_both_structures():
    structures, users = accounts_demo.build()
    offers_demo.build(structures, users)
    offers_demo.build(structures, users)  # idempotent
    for key in ("A", "B"):
        offers = Offer.objects.filter(structure=structures[key])
        assert offers.count() == 5
        states = {offer.state for offer in offers.with_state()}
        assert states == set(OfferState), key
        # The property agrees with the SQL annotation.
        assert {offer.state for offer in offers} == set(OfferState)


def test_generate_bulk_offers_fast():
    started = time.monotonic()
    assert offers_demo.generate(2000, structure_count=120) == 2000
    assert time.monotonic() - started < 20
    assert Offer.objects.count() == 2000
    assert Offer.objects.published().count() == 1000
    assert Offer.objects.values("structure").distinct().count() == 120
    assert Offer.objects.values("department").distinct().count() >= 100
