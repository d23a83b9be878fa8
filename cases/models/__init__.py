from .access import (
    AccessAction,
    AccessBasis,
    AccessLog,
    BreakGlassAccess,
    Relationship,
    RelationshipKind,
)
from .people import (
    PERSON_EDITABLE_FIELDS,
    EthnicCategory,
    Gender,
    Person,
    PersonContact,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
)

__all__ = [
    "PERSON_EDITABLE_FIELDS",
    "AccessAction",
    "AccessBasis",
    "AccessLog",
    "BreakGlassAccess",
    "EthnicCategory",
    "Gender",
    "Person",
    "PersonContact",
    "PersonGroupObjectPermission",
    "PersonUserObjectPermission",
    "Relationship",
    "RelationshipKind",
]
