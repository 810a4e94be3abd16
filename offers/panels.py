"""The offer form's four steps (the guide's "étapes": Description, Modalités, Compléments,
Publication), one tab each, each ending with buttons to the previous and the next step."""

from wagtail.admin.panels import ObjectList, TabbedInterface


class OfferStep(ObjectList):
    previous_heading = next_heading = None

    class BoundPanel(ObjectList.BoundPanel):
        template_name = "offers/panels/offer_step.html"


class OfferSteps(TabbedInterface):
    def on_model_bound(self):
        super().on_model_bound()
        steps = self.children
        for index, step in enumerate(steps):
            step.previous_heading = steps[index - 1].heading if index > 0 else None
            step.next_heading = steps[index + 1].heading if index + 1 < len(steps) else None
