from .access import (
    AccessAction,
    AccessBasis,
    AccessLog,
    BreakGlassAccess,
    Relationship,
    RelationshipKind,
)
from .people import (
    EthnicCategory,
    Gender,
    Person,
    PersonContact,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
)

__all__ = [
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
