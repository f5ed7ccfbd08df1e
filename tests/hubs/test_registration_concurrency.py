"""Capacity holds under concurrent registrations, on SQLite and PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from hubs.models import EventPage, Registration
from hubs.registrations import RegistrationData, cancel, register
from tests.factories.hubs import EventPageFactory, hub_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_thirty_concurrent_registrations_fill_ten_places_and_wait_twenty(
    restored_tables, home_page
):
    event = EventPageFactory(parent=hub_page("sulawesi-selatan", home_page), capacity=10)
    barrier = threading.Barrier(30)
    errors = []

    def attempt(number):
        try:
            barrier.wait(timeout=30)
            register(
                event=EventPage.objects.get(pk=event.pk),
                data=RegistrationData(
                    name=f"Peserta {number}",
                    email=f"peserta{number}@makassarkota.go.id",
                    organisation="Bagian Organisasi",
                ),
            )
        except Exception as error:  # reported below, with the thread's number
            errors.append((number, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("confirmed") == 10
    assert statuses.count("waitlisted") == 20

    mail.outbox.clear()
    first_waiting = Registration.objects.filter(event=event, status="waitlisted").order_by(
        "created_at", "pk"
    )[0]
    cancel(registration=Registration.objects.filter(event=event, status="confirmed")[0])
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    assert Registration.objects.filter(event=event, status="confirmed").count() == 10
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [first_waiting.email]
    assert event.start > timezone.now() + timedelta(days=1)
