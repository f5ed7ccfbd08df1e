"""Event registration: capacity, waitlist, cancellation, e-mails (writes with side effects).

Capacity is enforced in the database transaction that writes the registration: the event's
page row is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers with
`BEGIN IMMEDIATE`, see settings), the confirmed registrations are counted, and the new one is
confirmed or waitlisted. Concurrent requests therefore never overbook.
"""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from wagtail.models import Page

from .calendars import event_calendar
from .models import EventPage, Registration

CANCEL_SALT = "jipp.hubs.registration.cancel"
RECEIPT_SALT = "jipp.hubs.registration.receipt"


class RegistrationRefused(Exception):
    """A registration that cannot be taken; `field` names the form field to blame, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass
class RegistrationData:
    name: str
    email: str
    organisation: str
    regency_id: int | None = None
    position: str = ""
    phone: str = ""


def _lock(event: EventPage):
    # The page row is the event's mutex: one registration or cancellation at a time.
    Page.objects.select_for_update().filter(pk=event.pk).values_list("pk", flat=True).first()


@transaction.atomic
def register(*, event: EventPage, data: RegistrationData, now=None) -> Registration:
    """Register, confirmed while there is room and waitlisted after. Raises
    RegistrationRefused when registration is not open or the e-mail is already registered."""
    state = event.registration_state(now)
    if state != "open":
        raise RegistrationRefused(closed_message(state))
    _lock(event)
    email_key = data.email.strip().lower()
    active = Registration.objects.filter(event=event).exclude(status=Registration.Status.CANCELLED)
    if active.filter(email_key=email_key).exists():
        raise RegistrationRefused(
            _("Alamat surel ini sudah terdaftar untuk acara ini."), field="email"
        )
    confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
    status = (
        Registration.Status.CONFIRMED
        if confirmed < event.capacity
        else Registration.Status.WAITLISTED
    )
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                name=data.name.strip(),
                email=data.email.strip(),
                organisation=data.organisation.strip(),
                regency_id=data.regency_id,
                position=data.position.strip(),
                phone=data.phone.strip(),
                status=status,
            )
    except IntegrityError:  # the same e-mail in a concurrent request
        raise RegistrationRefused(
            _("Alamat surel ini sudah terdaftar untuk acara ini."), field="email"
        ) from None
    _mail_after_commit(registration, "registered")
    return registration


def closed_message(state: str) -> str:
    return {
        "not_yet": _("Pendaftaran untuk acara ini belum dibuka."),
        "closed": _("Pendaftaran untuk acara ini sudah ditutup."),
        "past": _("Acara ini sudah dimulai atau sudah selesai; pendaftaran ditutup."),
    }[state]


@transaction.atomic
def cancel(*, registration: Registration) -> Registration | None:
    """Cancel; if a confirmed place is freed, the first on the waitlist gets it (and an
    e-mail). Returns the promoted registration, if any. Cancelling twice changes nothing."""
    event = registration.event
    _lock(event)
    registration.refresh_from_db()
    if registration.status == Registration.Status.CANCELLED:
        return None
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.status_changed_at = timezone.now()
    # Someone who cancelled did not attend, whatever a check-in said before.
    registration.attended, registration.checked_in_at = False, None
    registration.save(update_fields=["status", "status_changed_at", "attended", "checked_in_at"])
    if not was_confirmed or event.start <= timezone.now():
        return None
    return _promote_next(event)


def _promote_next(event: EventPage) -> Registration | None:
    confirmed = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).count()
    if confirmed >= event.capacity:
        return None
    waiting = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    return _confirm_from_waitlist(waiting)


def _confirm_from_waitlist(registration: Registration) -> Registration:
    """Confirm a waitlisted registration; its "promoted" e-mail leaves after the commit."""
    registration.status = Registration.Status.CONFIRMED
    registration.status_changed_at = timezone.now()
    registration.save(update_fields=["status", "status_changed_at"])
    _mail_after_commit(registration, "promoted")
    return registration


def _mail_after_commit(registration: Registration, reason: str) -> None:
    """Send the e-mail once the registration is committed. A mail server that fails does not
    undo it or fail the request: the error is logged (robust), the registration stands."""
    language = translation.get_language()
    transaction.on_commit(
        lambda: send_registration_email(registration, reason, language), robust=True
    )


@transaction.atomic
def promote(*, registration: Registration) -> Registration:
    """A facilitator confirms a waitlisted registration (even beyond capacity)."""
    _lock(registration.event)
    registration.refresh_from_db()
    if registration.status != Registration.Status.WAITLISTED:
        raise RegistrationRefused(_("Hanya pendaftar di daftar tunggu yang dapat dinaikkan."))
    return _confirm_from_waitlist(registration)


@transaction.atomic
def toggle_attendance(*, registration: Registration) -> Registration:
    """A facilitator marks a confirmed registrant present (check-in), or takes it back.
    Only confirmed people can be marked present: a waitlisted or cancelled registration is
    refused (RegistrationRefused); taking a mark back is always allowed."""
    _lock(registration.event)  # not while a cancellation of the same event is under way
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.attended and registration.status != Registration.Status.CONFIRMED:
        raise RegistrationRefused(
            _(
                "%(name)s tidak dapat ditandai hadir: hanya pendaftar terkonfirmasi yang "
                "dapat ditandai hadir (status sekarang: %(status)s)."
            )
            % {"name": registration.name, "status": registration.get_status_display()}
        )
    registration.attended = not registration.attended
    registration.checked_in_at = timezone.now() if registration.attended else None
    registration.save(update_fields=["attended", "checked_in_at"])
    return registration


def cancel_token(registration: Registration) -> str:
    """A signed token for the cancellation link, in the characters of a page path segment
    (Wagtail serves only `[\\w-]` segments; a signature's ":" is not one of them)."""
    return _token(registration, CANCEL_SALT)


def receipt_token(registration: Registration) -> str:
    """A signed token for the registrant's receipt page (after the form, the browser goes
    there, so reloading it never sends the form again). It cannot cancel: a receipt URL left
    in a shared computer's history gives no one the power to cancel."""
    return _token(registration, RECEIPT_SALT)


def registration_for_token(token: str) -> Registration | None:
    """The registration a cancellation link was made for, or None if the link is not ours."""
    return _from_token(token, CANCEL_SALT)


def registration_for_receipt(token: str) -> Registration | None:
    """The registration a receipt link was made for, or None if the link is not ours."""
    return _from_token(token, RECEIPT_SALT)


def _token(registration: Registration, salt: str) -> str:
    """The registration's id and a keyed hash of its e-mail, signed: the e-mail address itself
    is not in the token (a signature does not hide what it signs), so it stays out of browser
    histories and server logs."""
    signed = signing.dumps(
        {"r": registration.pk, "h": _email_hash(registration.email_key, salt)}, salt=salt
    )
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _email_hash(email_key: str, salt: str) -> str:
    return salted_hmac(salt, email_key, algorithm="sha256").hexdigest()[:24]


def _from_token(token: str, salt: str) -> Registration | None:
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        data = signing.loads(signed, salt=salt)
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("h"), str):
        return None
    registration = Registration.objects.filter(pk=data.get("r")).select_related("event").first()
    # The registration must still be the one the link was made for (same e-mail).
    if registration is None or not constant_time_compare(
        _email_hash(registration.email_key, salt), data["h"]
    ):
        return None
    return registration


def cancel_url(registration: Registration) -> str:
    event = registration.event
    return (
        settings.SITE_BASE_URL
        + event.url
        + event.reverse_subpage("cancel", args=[cancel_token(registration)])
    )


def send_registration_email(registration: Registration, reason: str, language: str) -> None:
    """The confirmation, waitlist or promotion e-mail, with the event's .ics attached."""
    with translation.override(language):
        event = EventPage.objects.select_related("venue_regency__province").get(
            pk=registration.event_id
        )
        context = {
            "registration": registration,
            "event": event,
            "reason": reason,
            "confirmed": registration.status == Registration.Status.CONFIRMED,
            "event_url": settings.SITE_BASE_URL + event.url,
            "cancel_url": cancel_url(registration),
        }
        if reason == "promoted":
            subject = _("Tempat Anda terkonfirmasi: %(title)s") % {"title": event.title}
        elif context["confirmed"]:
            subject = _("Pendaftaran terkonfirmasi: %(title)s") % {"title": event.title}
        else:
            subject = _("Anda di daftar tunggu: %(title)s") % {"title": event.title}
        body = render_to_string("hubs/email/registration.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[registration.email])
    if context["confirmed"]:
        message.attach("acara.ics", event_calendar([event]).to_ical(), "text/calendar")
    message.send()
