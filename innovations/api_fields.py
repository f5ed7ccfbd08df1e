"""Read-only representations of related data for the innovation pages' API fields."""

from rest_framework import serializers


def regency_data(regency):
    return {
        "code": regency.code,
        "name": regency.name,
        "province": {"code": regency.province.code, "name": regency.province.name},
    }


class RegencyField(serializers.Field):
    def to_representation(self, regency):
        return regency_data(regency) if regency is not None else None


class HubsField(serializers.Field):
    """The hubs of the case's regency, as slugs."""

    def to_representation(self, regency):
        return [hub.slug for hub in regency.hubs.all()] if regency is not None else []


class CodedTermsField(serializers.Field):
    """Taxonomy terms as {code, name}; `code_attr` names the term's code field."""

    def __init__(self, *, code_attr, **kwargs):
        self.code_attr = code_attr
        super().__init__(**kwargs)

    def to_representation(self, manager):
        return [{"code": getattr(t, self.code_attr), "name": t.name} for t in manager.all()]


class TagsField(serializers.Field):
    def to_representation(self, manager):
        return sorted(tag.name for tag in manager.all())


class ReplicationsField(serializers.Field):
    def to_representation(self, manager):
        return [
            {
                "adopting_regency": regency_data(replication.adopting_regency),
                "status": replication.status,
                "started_on": replication.started_on,
                "adapted": replication.adapted,
                "outcome": replication.outcome,
                "confirmed": replication.confirmed,
            }
            for replication in manager.all()
        ]
