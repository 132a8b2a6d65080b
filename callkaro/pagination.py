"""Pagination for the API: limit/offset, with bounds the database can hold."""
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

# Beyond a 64-bit integer, SQLite and PostgreSQL reject the OFFSET clause itself.
MAX_OFFSET = 2**31 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500

    def get_offset(self, request):
        offset = super().get_offset(request)
        if offset > MAX_OFFSET:
            raise ValidationError({"offset": f"offset must be at most {MAX_OFFSET}; got {offset}."})
        return offset
