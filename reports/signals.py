"""Every person gets a fixed random statistics key when first saved, whichever service creates them."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from casework.models import Person

from .disclosure_control.cell_key import new_statistics_key


@receiver(pre_save, sender=Person)
def give_person_a_statistics_key(sender, instance, **kwargs):
    # 0 is the model's default and means "not drawn yet"; a drawn key never changes.
    if not instance.statistics_key:
        instance.statistics_key = new_statistics_key()
