from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminPageChooser

from hubs.models import Regency

from .models import InnovationPage, Replication
from .permissions import editor_regencies, is_national_admin


class ReplicationForm(WagtailAdminModelForm):
    """Recording a replication: the adopting regency is one the user edits for."""

    class Meta:
        model = Replication
        fields = [
            "innovation",
            "adopting_regency",
            "status",
            "started_on",
            "adapted",
            "outcome",
            "outcome_metrics",
            "evidence_url",
            "evidence_document",
        ]
        widgets = {"innovation": AdminPageChooser(target_models=[InnovationPage])}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        if for_user is not None and not is_national_admin(for_user):
            self.fields["adopting_regency"].queryset = editor_regencies(for_user)
        else:
            self.fields["adopting_regency"].queryset = Regency.objects.all()
        self.fields["innovation"].queryset = InnovationPage.objects.live()
        if self.instance.pk:
            # Which case and which regency an entry is about is fixed once recorded: a
            # confirmation must never carry over to another case or regency.
            for name in ("innovation", "adopting_regency"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        innovation = cleaned.get("innovation")
        adopter = cleaned.get("adopting_regency")
        if innovation and adopter and innovation.regency_id == adopter.pk:
            self.add_error(
                "adopting_regency", _("Daerah tidak dapat mereplikasi inovasinya sendiri.")
            )
        if (
            innovation
            and adopter
            and Replication.objects.filter(innovation=innovation, adopting_regency=adopter)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "adopting_regency", _("Replikasi inovasi ini oleh daerah tersebut sudah dicatat.")
            )
        return cleaned
