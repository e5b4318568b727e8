from django.core.management.base import BaseCommand
from tqdm import tqdm

from encryption import rotation
from encryption.keys import check_keyrings_at_startup
from encryption.tasks import rotate_keys_task


class Command(BaseCommand):
    help = (
        "Re-encrypts every stored value under the primary key of SAMSYN_ENCRYPTION_KEYS (and, with --blind-index, "
        "rebuilds the blind indexes under the primary key of SAMSYN_BLIND_INDEX_KEYS). Batched, resumable, "
        "safe while Samsyn runs. Put the new key first in the keyring, keep the old ones after it, deploy, then run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--blind-index", action="store_true", help="Rebuild the blind indexes instead.")
        parser.add_argument("--background", action="store_true", help="Queue it as a Celery task and return.")

    def handle(self, *args, batch_size, blind_index, background, **options):
        check_keyrings_at_startup()
        if background:
            result = rotate_keys_task.delay(blind_index=blind_index, batch_size=batch_size)
            self.stdout.write(f"Queued rotation task {result.id}.")
            return
        models = list(rotation.blind_index_specs()) if blind_index else rotation.encrypted_models()
        total = sum(model._base_manager.count() for model in models)
        with tqdm(total=total, unit="rad", desc="nycklar", file=self.stderr) as bar:

            def progress(label, done):
                bar.set_postfix_str(label)
                bar.update(done)

            run = rotation.rebuild_blind_indexes if blind_index else rotation.rotate_encryption
            result = run(batch_size=batch_size, progress=progress)
        for label, count in result.rewritten.items():
            if count:
                self.stdout.write(f"{label}: {count} värden omskrivna")
        self.stdout.write(self.style.SUCCESS(f"Klart: {result.total} värden omskrivna."))
        if result.retired_keys:
            self.stdout.write(
                "Nycklar som inte längre används och kan tas bort ur nyckelringen: " + ", ".join(result.retired_keys)
            )
