"""The per-structure validation workflow, assigned to the Offer snippet (created on migrate)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

WORKFLOW_NAME = "Validation des offres"
TASK_NAME = "Validation par un valideur de la structure"


@transaction.atomic
def ensure_validation_workflow():
    from wagtail.models import Workflow, WorkflowContentType, WorkflowTask

    from offers.models import Offer, StructureValidationTask

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = StructureValidationTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = StructureValidationTask.objects.create(name=TASK_NAME, active=True)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Offer), defaults={"workflow": workflow}
    )
    return workflow
