from .innovations import (
    InnovationIndexPageFactory,
    InnovationPageFactory,
    RegencyFolderPageFactory,
    folder_for,
    replication,
)
from .pages import HomePageFactory, StandardPageFactory, build_site_tree

__all__ = [
    "HomePageFactory",
    "InnovationIndexPageFactory",
    "InnovationPageFactory",
    "RegencyFolderPageFactory",
    "StandardPageFactory",
    "build_site_tree",
    "folder_for",
    "replication",
]
