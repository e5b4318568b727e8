from celery import shared_task

from . import rotation


@shared_task(acks_late=True, ignore_result=False)
def rotate_keys_task(*, blind_index: bool = False, batch_size: int = 500) -> dict:
    """Key rotation as a background job. Idempotent and resumable: a re-run after a crash continues."""
    run = rotation.rebuild_blind_indexes if blind_index else rotation.rotate_encryption
    result = run(batch_size=batch_size)
    return {"rewritten": result.total, "retired_keys": result.retired_keys}
