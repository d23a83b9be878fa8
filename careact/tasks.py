"""Background tasks of the careact app: take ids, call a service, idempotent (DESIGN.md s6)."""

from celery import shared_task


@shared_task(name="careact.tasks.render_assessment_copy")
def render_assessment_copy(copy_id: int) -> str:
    """Render the PDF copy of an assessment for the person; a ready copy is left alone."""
    from .services import render_copy

    return render_copy(copy_id=copy_id).status


@shared_task(name="careact.tasks.requeue_assessment_copies")
def requeue_assessment_copies() -> int:
    """Enqueue again every copy still queued after a few minutes (a lost message or a dead
    worker): the row is the request, so nothing is lost (DESIGN.md s6)."""
    from .selectors_assessments import stuck_copy_ids

    ids = stuck_copy_ids()
    for copy_id in ids:
        render_assessment_copy.delay(copy_id)
    return len(ids)
