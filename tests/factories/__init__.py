from .pages import HomePageFactory, StandardPageFactory, build_site_tree

__all__ = ["HomePageFactory", "StandardPageFactory", "build_site_tree"]
