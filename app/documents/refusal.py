"""The refusal of an uploaded file, shared by the checks of each format."""
from app.core.errors import DomainError


class FileRefused(DomainError):
    """The file itself is refused (not the place it was meant for): shown under the file field."""
