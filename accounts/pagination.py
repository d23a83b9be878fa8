"""One way to paginate every list that can grow, with the filters kept in the links."""

from django.core.paginator import Paginator

DEFAULT_PAGE_SIZE = 25


def paginate(request, items, *, per_page: int = DEFAULT_PAGE_SIZE):
    """Return (page_obj, querystring): the current page and the other GET params, urlencoded."""
    paginator = Paginator(items, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page_obj, params.urlencode()
