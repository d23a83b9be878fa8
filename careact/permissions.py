"""One access helper for every Care Act record: each belongs to a person, and reading it is
reading that person's data (DESIGN.md section 2).

`get_record_for_user` answers 404 for missing and forbidden alike and writes exactly one
AccessLog row, through `cases.permissions.get_person_for_user`.
"""

from django.http import Http404

from cases.permissions import CHANGE_PERSON, VIEW_PERSON, get_person_for_user

__all__ = ["CHANGE_PERSON", "VIEW_PERSON", "get_record_for_user"]


def get_record_for_user(user, model, pk, *, perm: str = VIEW_PERSON, what: str, select_related=()):
    """Load `model` row `pk` if the user may see its person; returns (record, access).

    The record's `person` is replaced by the one loaded through the access check, so
    templates never trigger a second, unlogged read.
    """
    record = model.objects.select_related(*select_related).filter(pk=pk).first()
    if record is None:
        raise Http404("Not found")
    access = get_person_for_user(user, record.person_id, perm=perm, what=what)
    record.person = access.person
    return record, access
